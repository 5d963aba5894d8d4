//! What can go wrong talking to Alma, as one error type. Alma's error
//! bodies are kept (code, message, tracking id) so a failed update can be
//! reported as Alma worded it. Messages name the operation and the Alma
//! error codes, never the API key or a request URL's query string.

use std::fmt;

/// One error from an Alma error body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlmaErrorDetail {
    /// `errorCode`, e.g. `401861` or `PER_SECOND_THRESHOLD`.
    pub code: String,
    /// `errorMessage`.
    pub message: String,
    /// `trackingId`, to quote to Ex Libris support.
    pub tracking_id: Option<String>,
}

impl fmt::Display for AlmaErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = &self.tracking_id {
            write!(f, " (tracking id {id})")?;
        }
        Ok(())
    }
}

/// Alma's error codes for "no such user".
pub const USER_NOT_FOUND_CODES: [&str; 2] = ["401861", "401890"];
/// The gateway's code for the per-second limit.
pub const PER_SECOND_THRESHOLD: &str = "PER_SECOND_THRESHOLD";
/// The gateway's code for the daily limit.
pub const DAILY_THRESHOLD: &str = "DAILY_THRESHOLD";

/// An Alma API failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlmaError {
    /// HTTP 404 (or a not-found code) for something other than a user lookup.
    NotFound { errors: Vec<AlmaErrorDetail> },
    /// The API key was refused (HTTP 401 or `UNAUTHORIZED`).
    Unauthorized { errors: Vec<AlmaErrorDetail> },
    /// The key may not do this, e.g. a read-only key on a PUT (HTTP 403 or `FORBIDDEN`).
    Forbidden { errors: Vec<AlmaErrorDetail> },
    /// Alma rejected the request (HTTP 4xx with an Alma error body, kept whole).
    Business {
        status: u16,
        errors: Vec<AlmaErrorDetail>,
    },
    /// Still over the per-second limit after every retry.
    RateLimited { attempts: u32 },
    /// The institution's daily API budget is spent: stop, do not retry.
    DailyThreshold { errors: Vec<AlmaErrorDetail> },
    /// Alma kept failing with a server error (5xx) after every retry.
    Server {
        status: u16,
        errors: Vec<AlmaErrorDetail>,
    },
    /// No answer: connection refused or dropped, or a timeout, after every retry.
    Transport { message: String, attempts: u32 },
    /// An error from the API gateway in its XML form, with another status.
    Gateway {
        status: u16,
        errors: Vec<AlmaErrorDetail>,
    },
    /// A response that is not the JSON expected.
    Decode { what: String, message: String },
    /// The key's environment (from `conf/general`) is not the configured one.
    WrongEnvironment { expected: String, actual: String },
    /// An identifier that cannot be put in a URL path safely.
    InvalidId { id: String, reason: &'static str },
    /// Alma answered a user lookup with another person: `GET /users/{id}`
    /// matches any unique identifier (a barcode, say), not only the primary id.
    OtherUser { asked: String, returned: String },
    /// The client's configuration is unusable (bad base URL, empty key).
    Config { message: String },
}

impl AlmaError {
    /// The Alma error details carried, if any.
    pub fn details(&self) -> &[AlmaErrorDetail] {
        match self {
            AlmaError::NotFound { errors }
            | AlmaError::Unauthorized { errors }
            | AlmaError::Forbidden { errors }
            | AlmaError::Business { errors, .. }
            | AlmaError::DailyThreshold { errors }
            | AlmaError::Server { errors, .. }
            | AlmaError::Gateway { errors, .. } => errors,
            _ => &[],
        }
    }

    /// Whether any detail carries one of `codes`.
    pub fn has_code(&self, codes: &[&str]) -> bool {
        self.details()
            .iter()
            .any(|d| codes.contains(&d.code.as_str()))
    }

    /// Whether this error means "the user does not exist".
    pub fn is_user_not_found(&self) -> bool {
        self.has_code(&USER_NOT_FOUND_CODES)
    }

    /// Classifies a final (not retried) error response. `xml` tells whether
    /// the body came in the gateway's XML form.
    pub fn from_response(status: u16, errors: Vec<AlmaErrorDetail>, xml: bool) -> AlmaError {
        let has = |code: &str| errors.iter().any(|d| d.code == code);
        if has(DAILY_THRESHOLD) {
            AlmaError::DailyThreshold { errors }
        } else if status == 401 || has("UNAUTHORIZED") {
            AlmaError::Unauthorized { errors }
        } else if status == 403 || has("FORBIDDEN") {
            AlmaError::Forbidden { errors }
        } else if status == 404
            || errors
                .iter()
                .any(|d| USER_NOT_FOUND_CODES.contains(&d.code.as_str()))
        {
            AlmaError::NotFound { errors }
        } else if status >= 500 {
            AlmaError::Server { status, errors }
        } else if xml {
            AlmaError::Gateway { status, errors }
        } else {
            AlmaError::Business { status, errors }
        }
    }
}

struct Details<'a>(&'a [AlmaErrorDetail]);

impl fmt::Display for Details<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(" (no Alma error body)");
        }
        for (i, d) in self.0.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl fmt::Display for AlmaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlmaError::NotFound { errors } if self.is_user_not_found() => {
                write!(f, "Alma has no such user{}", Details(errors))
            }
            AlmaError::NotFound { errors } => write!(
                f,
                "Alma found nothing at this address (check the base URL){}",
                Details(errors)
            ),
            AlmaError::Unauthorized { errors } => write!(
                f,
                "Alma refused the API key (unknown key, or no permission for this API){}",
                Details(errors)
            ),
            AlmaError::Forbidden { errors } => write!(
                f,
                "Alma refused the operation: the API key may not do this (a read-only key cannot update users){}",
                Details(errors)
            ),
            AlmaError::Business { status, errors } => {
                write!(
                    f,
                    "Alma rejected the request (HTTP {status}){}",
                    Details(errors)
                )
            }
            AlmaError::RateLimited { attempts } => write!(
                f,
                "Alma's per-second limit was still exceeded after {attempts} attempts; lower the request rate"
            ),
            AlmaError::DailyThreshold { errors } => write!(
                f,
                "Alma's daily API budget for the institution is spent; stopping (retry after the budget resets){}",
                Details(errors)
            ),
            AlmaError::Server { status, errors } => {
                write!(f, "Alma failed with HTTP {status}{}", Details(errors))
            }
            AlmaError::Transport { message, attempts } => {
                write!(
                    f,
                    "no answer from Alma after {attempts} attempts: {message}"
                )
            }
            AlmaError::Gateway { status, errors } => {
                write!(
                    f,
                    "the Alma API gateway refused the request (HTTP {status}){}",
                    Details(errors)
                )
            }
            AlmaError::Decode { what, message } => {
                write!(f, "unexpected response from Alma for {what}: {message}")
            }
            AlmaError::WrongEnvironment { expected, actual } => write!(
                f,
                "refusing to write: the API key belongs to the {actual} environment, but {expected} is configured"
            ),
            AlmaError::InvalidId { id, reason } => {
                write!(f, "invalid identifier {id:?}: {reason}")
            }
            AlmaError::OtherUser { asked, returned } => write!(
                f,
                "Alma answered the lookup of {asked:?} with the user {returned:?}, another person \
                 (Alma matches any unique identifier, such as a barcode): this login is neither \
                 planned nor written; check in Alma which user {asked:?} is, and whether another \
                 user carries it as an identifier"
            ),
            AlmaError::Config { message } => write!(f, "Alma client configuration: {message}"),
        }
    }
}

impl std::error::Error for AlmaError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(code: &str) -> AlmaErrorDetail {
        AlmaErrorDetail {
            code: code.into(),
            message: "m".into(),
            tracking_id: Some("E01-9".into()),
        }
    }

    #[test]
    fn classification() {
        use AlmaError as E;
        assert!(matches!(
            E::from_response(429, vec![detail(DAILY_THRESHOLD)], true),
            E::DailyThreshold { .. }
        ));
        assert!(matches!(
            E::from_response(400, vec![detail(DAILY_THRESHOLD)], false),
            E::DailyThreshold { .. }
        ));
        assert!(matches!(
            E::from_response(401, vec![], true),
            E::Unauthorized { .. }
        ));
        assert!(matches!(
            E::from_response(400, vec![detail("UNAUTHORIZED")], true),
            E::Unauthorized { .. }
        ));
        assert!(matches!(
            E::from_response(403, vec![], false),
            E::Forbidden { .. }
        ));
        assert!(matches!(
            E::from_response(400, vec![detail("401861")], false),
            E::NotFound { .. }
        ));
        assert!(matches!(
            E::from_response(502, vec![], false),
            E::Server { status: 502, .. }
        ));
        assert!(matches!(
            E::from_response(400, vec![detail("INVALID_REQUEST")], true),
            E::Gateway { .. }
        ));
        assert!(matches!(
            E::from_response(400, vec![detail("401664")], false),
            E::Business { status: 400, .. }
        ));
    }

    #[test]
    fn user_not_found_by_code_on_any_status() {
        assert!(AlmaError::from_response(404, vec![detail("401861")], false).is_user_not_found());
        assert!(AlmaError::from_response(400, vec![detail("401890")], false).is_user_not_found());
        assert!(!AlmaError::from_response(404, vec![], false).is_user_not_found());
    }

    #[test]
    fn display_keeps_codes_messages_and_tracking_ids() {
        let e = AlmaError::Business {
            status: 400,
            errors: vec![detail("401664"), detail("401665")],
        };
        assert_eq!(
            e.to_string(),
            "Alma rejected the request (HTTP 400): 401664: m (tracking id E01-9); 401665: m (tracking id E01-9)"
        );
    }
}
