//! Scalar resolution by the YAML 1.2 core schema: a plain scalar may be
//! null, a boolean, an integer (decimal, `0x`, `0o`) or a float; quoted and
//! block scalars are always text. `yes`, `no` and dates stay text, and
//! `017` is seventeen (YAML 1.1's booleans and octals are not read).

use saphyr_parser::ScalarStyle;

use super::Value;

/// An untagged scalar: plain ones by the core schema, quoted and block ones as text.
pub(super) fn resolve_scalar(text: &str, style: ScalarStyle) -> Value {
    match style {
        ScalarStyle::Plain => resolve_plain(text),
        _ => Value::Str(text.to_string()),
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Int(i);
        }
    } else if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::Int(i);
        }
    } else if is_decimal_int(text) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
    } else if is_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

fn is_decimal_int(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() || int.bytes().all(|b| b.is_ascii_digit()))
                && frac.bytes().all(|b| b.is_ascii_digit())
                && !(int.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(is_decimal_int);
    mantissa_ok && exponent_ok && (mantissa.contains('.') || exponent.is_some())
}
