//! Alma's error bodies: the JSON `errorList` (one error or many,
//! `errorsExist` as a boolean or a string) and the gateway's XML
//! `web_service_result`, read with `quick-xml` (tolerant of a namespace
//! prefix, CDATA and a body cut short) and written for the emulator.

use quick_xml::Reader;
use quick_xml::escape::{partial_escape, resolve_predefined_entity};
use quick_xml::events::Event;
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

/// The fields of one `<error>` of an XML body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Code,
    Message,
    TrackingId,
}

impl Field {
    fn of(name: &[u8]) -> Option<Field> {
        match name {
            b"errorCode" => Some(Field::Code),
            b"errorMessage" => Some(Field::Message),
            b"trackingId" => Some(Field::TrackingId),
            _ => None,
        }
    }
}

/// One `<error>` as read so far: each field's text, the first one wins.
#[derive(Default)]
struct Pending {
    code: Option<String>,
    message: Option<String>,
    tracking_id: Option<String>,
}

impl Pending {
    fn set(&mut self, field: Field, text: &str) {
        let slot = match field {
            Field::Code => &mut self.code,
            Field::Message => &mut self.message,
            Field::TrackingId => &mut self.tracking_id,
        };
        slot.get_or_insert_with(|| text.trim().to_owned());
    }

    /// The error, when it has a code.
    fn detail(self) -> Option<AlmaErrorDetail> {
        Some(AlmaErrorDetail {
            code: self.code?,
            message: self.message.unwrap_or_default(),
            tracking_id: self.tracking_id,
        })
    }
}

/// Reads the `<error>` elements of an XML `web_service_result` (by local
/// name, whatever the namespace). An error without `<errorCode>` is left
/// out; a body that stops being XML part-way keeps what came before.
fn parse_errors_xml(xml: &str) -> Vec<AlmaErrorDetail> {
    let mut reader = Reader::from_str(xml);
    let mut details = Vec::new();
    let mut error: Option<Pending> = None;
    // The field of the current error whose text is being read.
    let mut field: Option<(Field, String)> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"error" => error = Some(Pending::default()),
                name => {
                    if let Some(f) = Field::of(name).filter(|_| error.is_some()) {
                        field = Some((f, String::new()));
                    }
                }
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"error" => {
                    details.extend(error.take().and_then(Pending::detail));
                    field = None;
                }
                name => {
                    if let Some((f, text)) =
                        field.take_if(|(open, _)| Field::of(name) == Some(*open))
                        && let Some(pending) = error.as_mut()
                    {
                        pending.set(f, &text);
                    }
                }
            },
            Ok(Event::Text(t)) => {
                if let Some((_, text)) = field.as_mut() {
                    text.push_str(&t.decode().unwrap_or_default());
                }
            }
            Ok(Event::CData(c)) => {
                if let Some((_, text)) = field.as_mut() {
                    text.push_str(&c.decode().unwrap_or_default());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, text)) = field.as_mut() {
                    let name = r.decode().unwrap_or_default();
                    match (r.resolve_char_ref(), resolve_predefined_entity(&name)) {
                        (Ok(Some(c)), _) => text.push(c),
                        (_, Some(resolved)) => text.push_str(resolved),
                        _ => {
                            text.push('&');
                            text.push_str(&name);
                            text.push(';');
                        }
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => {
                // A body cut short: an error whose code was read still counts.
                details.extend(error.take().and_then(Pending::detail));
                return details;
            }
            Ok(_) => {}
        }
    }
}

/// The XML error body the Alma gateway sends.
pub fn error_xml(details: &[AlmaErrorDetail]) -> String {
    let escape = |s: &str| partial_escape(s).into_owned();
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
    fn xml_with_prefixes_cdata_character_references_and_a_cut() {
        let body = br#"<ns2:web_service_result xmlns:ns2="x"><ns2:errorList><ns2:error><ns2:errorCode> 401861 </ns2:errorCode><ns2:errorMessage><![CDATA[a < b]]> &#38; &quot;c&quot;</ns2:errorMessage></ns2:error><ns2:error><ns2:errorMessage>no code</ns2:errorMessage></ns2:error><ns2:error><ns2:errorCode>CUT</ns2:errorCode><ns2:errorMes"#;
        let (details, format) = parse_errors(body).unwrap();
        assert_eq!(format, BodyFormat::Xml);
        let codes: Vec<&str> = details.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["401861", "CUT"]);
        assert_eq!(details[0].message, "a < b & \"c\"");
        assert_eq!(details[0].tracking_id, None);
        assert_eq!(details[1].message, "");
    }

    #[test]
    fn bodies_without_errors_are_none() {
        assert!(parse_errors(b"").is_none());
        assert!(parse_errors(b"<html>bad gateway</html>").is_none());
        assert!(parse_errors(br#"{"primary_id":"x"}"#).is_none());
    }
}
