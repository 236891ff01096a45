//! The error body WeChat Pay sends with every non-2xx response.
//!
//! ```json
//! {"code":"PARAM_ERROR","message":"参数错误","detail":{"field":"/amount/total","value":0,"issue":"must be >= 1","location":"body"}}
//! ```
//!
//! Callers should branch on `code` and the HTTP status only; the wording of `message` varies.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// An API error body: `{code, message, detail?}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// Error code, e.g. `PARAM_ERROR`, `SIGN_ERROR`, `ORDER_NOT_EXIST` (错误码).
    pub code: String,
    /// Human-readable reason, usually Chinese (错误描述).
    pub message: String,
    /// Optional details (错误详情).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub detail: Option<ErrorDetail>,
}

impl ApiErrorBody {
    /// An error body without `detail`.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into(), detail: None }
    }

    /// The same body with `detail` set.
    pub fn with_detail(mut self, detail: ErrorDetail) -> Self {
        self.detail = Some(detail);
        self
    }
}

/// The `detail` object of an [`ApiErrorBody`]; every member is optional.
///
/// Members this crate does not name (e.g. `sign_information` on `SIGN_ERROR`) are kept in
/// [`other`](Self::other) so that they are neither lost nor rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Offending field path, e.g. `/amount/total`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
    /// Offending value, any JSON type. `Some(Value::Null)` is an explicit `null`, `None` is absent.
    #[serde(skip_serializing_if = "Option::is_none", default, deserialize_with = "present_value")]
    pub value: Option<Value>,
    /// What is wrong with the field.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issue: Option<String>,
    /// Where the field is: `body`, `path`, `query`, `header` or `authorization` (observed values).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<String>,
    /// Members not listed above, kept verbatim.
    #[serde(flatten, skip_serializing_if = "Map::is_empty", default)]
    pub other: Map<String, Value>,
}

/// Reads a present `value` member, keeping an explicit `null` as `Some(Value::Null)`.
fn present_value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_fixture() -> Value {
        serde_json::from_str(include_str!("../../../fixtures/api/errors.json")).unwrap()
    }

    // Proves the documented example parses and serializes back to the same JSON.
    #[test]
    fn fixture_example_round_trips() {
        let example = errors_fixture()["error_body"]["example"].clone();
        let body: ApiErrorBody = serde_json::from_value(example.clone()).unwrap();
        assert_eq!(body.code, "PARAM_ERROR");
        let detail = body.detail.as_ref().unwrap();
        assert_eq!(detail.field.as_deref(), Some("/amount/total"));
        assert_eq!(detail.value, Some(Value::from(0)));
        assert_eq!(serde_json::to_value(&body).unwrap(), example);
    }

    // Proves every code in the catalogue fits the body type (with and without detail).
    #[test]
    fn catalogue_codes_build_bodies() {
        let fixture = errors_fixture();
        let common = fixture["common_codes"].as_array().unwrap();
        assert!(!common.is_empty());
        for row in common {
            let body = ApiErrorBody::new(
                row["code"].as_str().unwrap(),
                row["message_zh"].as_str().unwrap(),
            );
            let text = serde_json::to_string(&body).unwrap();
            assert!(!text.contains("detail"), "absent detail is omitted: {text}");
            assert_eq!(serde_json::from_str::<ApiErrorBody>(&text).unwrap(), body);
        }
    }

    // Proves absent members stay absent, explicit null stays null, and extras survive.
    #[test]
    fn detail_shapes_survive() {
        let text = r#"{"code":"SIGN_ERROR","message":"签名错误","detail":{"value":null,"sign_information":{"method":"GET","truncated_sign_message":"GET\n/v3/certificates\n"}}}"#;
        let body: ApiErrorBody = serde_json::from_str(text).unwrap();
        let detail = body.detail.as_ref().unwrap();
        assert_eq!(detail.value, Some(Value::Null));
        assert_eq!(detail.field, None);
        assert!(detail.other.contains_key("sign_information"));
        assert_eq!(serde_json::to_string(&body).unwrap(), text);

        let empty = ApiErrorBody::new("X", "y").with_detail(ErrorDetail::default());
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            r#"{"code":"X","message":"y","detail":{}}"#
        );
    }
}
