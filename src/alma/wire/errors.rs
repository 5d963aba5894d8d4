//! Alma's error bodies: the JSON `errorList` (one error or many,
//! `errorsExist` as a boolean or a string) and the gateway's XML
//! `web_service_result`, read with plain string scanning and written for
//! the emulator.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{flex_bool, flex_string, one_or_many};
use crate::alma::error::AlmaErrorDetail;

/// Alma's error body, `web_service_result` in XML.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "errorsExist", deserialize_with = "flex_bool")]
    pub errors_exist: bool,
    #[serde(rename = "errorList")]
    pub error_list: ErrorList,
    #[serde(default)]
    pub result: Value,
}

/// The `errorList` of an error body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorList {
    #[serde(default, deserialize_with = "one_or_many")]
    pub error: Vec<ErrorEntry>,
}

/// One error of an error body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorEntry {
    #[serde(rename = "errorCode", deserialize_with = "flex_string")]
    pub error_code: String,
    #[serde(rename = "errorMessage", default)]
    pub error_message: String,
    #[serde(
        rename = "trackingId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tracking_id: Option<String>,
}

impl ErrorBody {
    /// The body Alma sends for the given errors.
    pub fn new(details: &[AlmaErrorDetail]) -> Self {
        let error = details
            .iter()
            .map(|d| ErrorEntry {
                error_code: d.code.clone(),
                error_message: d.message.clone(),
                tracking_id: d.tracking_id.clone(),
            })
            .collect();
        ErrorBody {
            errors_exist: true,
            error_list: ErrorList { error },
            result: Value::Null,
        }
    }
}

/// The form an error body came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Xml,
}

/// Reads the errors out of a response body, JSON or XML. `None` when the
/// body carries no recognisable Alma error.
pub fn parse_errors(body: &[u8]) -> Option<(Vec<AlmaErrorDetail>, BodyFormat)> {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let parsed: ErrorBody = serde_json::from_str(trimmed).ok()?;
        let details = parsed
            .error_list
            .error
            .into_iter()
            .map(|e| AlmaErrorDetail {
                code: e.error_code,
                message: e.error_message,
                tracking_id: e.tracking_id,
            })
            .collect();
        return Some((details, BodyFormat::Json));
    }
    if trimmed.starts_with('<') {
        let details = parse_errors_xml(trimmed);
        return (!details.is_empty()).then_some((details, BodyFormat::Xml));
    }
    None
}

/// Scans an XML `web_service_result` for its `<error>` elements. Plain
/// string scanning: the gateway's XML is flat and small.
fn parse_errors_xml(xml: &str) -> Vec<AlmaErrorDetail> {
    let mut details = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<error>") {
        let after = &rest[start + "<error>".len()..];
        let end = after.find("</error>").unwrap_or(after.len());
        let element = &after[..end];
        if let Some(code) = xml_text(element, "errorCode") {
            details.push(AlmaErrorDetail {
                code,
                message: xml_text(element, "errorMessage").unwrap_or_default(),
                tracking_id: xml_text(element, "trackingId"),
            });
        }
        rest = &after[end..];
    }
    details
}

/// The unescaped text of the first `<tag>...</tag>` in `xml`.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&close)?;
    let raw = xml[start..start + len].trim();
    let raw = raw
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(raw);
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// The XML error body the Alma gateway sends.
pub fn error_xml(details: &[AlmaErrorDetail]) -> String {
    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <web_service_result xmlns=\"http://com/exlibris/urm/general/xmlbeans\">\
         <errorsExist>true</errorsExist><errorList>",
    );
    for d in details {
        xml.push_str("<error><errorCode>");
        xml.push_str(&escape(&d.code));
        xml.push_str("</errorCode><errorMessage>");
        xml.push_str(&escape(&d.message));
        xml.push_str("</errorMessage>");
        if let Some(id) = &d.tracking_id {
            xml.push_str("<trackingId>");
            xml.push_str(&escape(id));
            xml.push_str("</trackingId>");
        }
        xml.push_str("</error>");
    }
    xml.push_str("</errorList></web_service_result>");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_list_as_array() {
        let body = br#"{"errorsExist":true,"errorList":{"error":[{"errorCode":"401861","errorMessage":"User with identifier X was not found.","trackingId":"E01-1"},{"errorCode":"2","errorMessage":"b"}]},"result":null}"#;
        let (details, format) = parse_errors(body).unwrap();
        assert_eq!(format, BodyFormat::Json);
        assert_eq!(details.len(), 2);
        assert_eq!(details[0].code, "401861");
        assert_eq!(details[0].tracking_id.as_deref(), Some("E01-1"));
        assert_eq!(details[1].tracking_id, None);
    }

    #[test]
    fn error_as_single_object_and_errors_exist_as_string() {
        let body = br#"{"errorsExist":"true","errorList":{"error":{"errorCode":401861,"errorMessage":"gone"}}}"#;
        let (details, _) = parse_errors(body).unwrap();
        assert_eq!(details[0].code, "401861");
        assert_eq!(details[0].message, "gone");
    }

    #[test]
    fn xml_gateway_errors() {
        let body = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<web_service_result xmlns="http://com/exlibris/urm/general/xmlbeans"><errorsExist>true</errorsExist><errorList><error><errorCode>UNAUTHORIZED</errorCode><errorMessage>API-key not defined or not configured to allow this API.</errorMessage><trackingId>E01-2</trackingId></error><error><errorCode>X</errorCode><errorMessage>a &amp; b</errorMessage></error></errorList></web_service_result>"#;
        let (details, format) = parse_errors(body).unwrap();
        assert_eq!(format, BodyFormat::Xml);
        assert_eq!(details.len(), 2);
        assert_eq!(details[0].code, "UNAUTHORIZED");
        assert_eq!(details[0].tracking_id.as_deref(), Some("E01-2"));
        assert_eq!(details[1].message, "a & b");
    }

    #[test]
    fn xml_round_trips_through_the_writer() {
        let details = vec![AlmaErrorDetail {
            code: "DAILY_THRESHOLD".into(),
            message: "Daily <limit> & more".into(),
            tracking_id: Some("E01-3".into()),
        }];
        let (parsed, _) = parse_errors(error_xml(&details).as_bytes()).unwrap();
        assert_eq!(parsed, details);
    }

    #[test]
    fn bodies_without_errors_are_none() {
        assert!(parse_errors(b"").is_none());
        assert!(parse_errors(b"<html>bad gateway</html>").is_none());
        assert!(parse_errors(br#"{"primary_id":"x"}"#).is_none());
    }
}
