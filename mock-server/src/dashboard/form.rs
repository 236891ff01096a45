//! How an action form becomes an admin API call. The same rules are in `dashboard.js`, which
//! makes the call with `fetch` when JavaScript runs; without it the browser posts the form
//! to `/mock/dashboard/act`, which makes the call in-process through the admin router.
//!
//! Fields:
//! - `_method` (`POST`, `PUT` or `DELETE`) and `_path` (relative to `/mock/admin`);
//! - `_body`: the JSON object the request body starts from;
//! - a field whose name appears as `{name}` in `_path` fills that placeholder
//!   (percent-encoded);
//! - `num.<name>`: a number member `<name>` of the body; `<list>[].<member>`: a string
//!   member of the one object in the body's array `<list>` (`audit_detail[].reject_reason`);
//!   any other field: a string member (empty fields are left out, so optional inputs can
//!   stay empty);
//! - `_back` (the page to return to) and `_token` (the admin token) are for the redirect and
//!   the `Authorization` header.

use serde_json::{Map, Value};

use super::html::pct;

/// An admin API call read from a form.
#[derive(Debug, PartialEq)]
pub(crate) struct Call {
    pub(crate) method: axum::http::Method,
    /// Path and query relative to the admin prefix.
    pub(crate) path: String,
    pub(crate) body: Option<Value>,
    pub(crate) back: Option<String>,
    pub(crate) token: Option<String>,
}

/// Why a form does not make a call.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(crate) enum FormError {
    #[error("the form has no {0} field")]
    Missing(&'static str),
    #[error("method {0} is not one an action uses (POST, PUT, DELETE)")]
    Method(String),
    #[error("_path must start with / and stay under the admin API")]
    Path,
    #[error("_body is not a JSON object: {0}")]
    Body(String),
    #[error("{name} is not a number: {value}")]
    Number { name: String, value: String },
}

/// Reads the call out of the form's fields, in the order the browser sent them.
pub(crate) fn to_call(fields: Vec<(String, String)>) -> Result<Call, FormError> {
    let mut method = None;
    let mut path = None;
    let mut body: Option<Map<String, Value>> = None;
    let mut back = None;
    let mut token = None;
    let mut rest = Vec::new();
    for (name, value) in fields {
        match name.as_str() {
            "_method" => method = Some(value),
            "_path" => path = Some(value),
            "_back" => back = Some(value),
            "_token" => token = Some(value).filter(|t| !t.is_empty()),
            "_body" => match serde_json::from_str::<Value>(&value) {
                Ok(Value::Object(m)) => body = Some(m),
                Ok(other) => return Err(FormError::Body(format!("found {other}"))),
                Err(e) => return Err(FormError::Body(e.to_string())),
            },
            _ => rest.push((name, value)),
        }
    }
    let method = method.ok_or(FormError::Missing("_method"))?;
    let method = match method.as_str() {
        "POST" => axum::http::Method::POST,
        "PUT" => axum::http::Method::PUT,
        "DELETE" => axum::http::Method::DELETE,
        _ => return Err(FormError::Method(method)),
    };
    let mut path = path.ok_or(FormError::Missing("_path"))?;
    if !path.starts_with('/') || path.starts_with("//") || path.contains("..") {
        return Err(FormError::Path);
    }
    for (name, value) in rest {
        let placeholder = format!("{{{name}}}");
        if path.contains(&placeholder) {
            path = path.replace(&placeholder, &pct(&value));
            continue;
        }
        if value.is_empty() {
            continue;
        }
        if let Some((list, member)) = name.split_once("[].") {
            let body = body.get_or_insert_with(Map::new);
            let slot = body.entry(list.to_owned()).or_insert_with(|| Value::Array(Vec::new()));
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            if let Value::Array(items) = slot {
                if !items.last().is_some_and(Value::is_object) {
                    items.push(Value::Object(Map::new()));
                }
                if let Some(Value::Object(item)) = items.last_mut() {
                    item.insert(member.to_owned(), Value::String(value));
                }
            }
            continue;
        }
        let member = match name.strip_prefix("num.") {
            Some(n) => {
                let number: serde_json::Number = value
                    .trim()
                    .parse()
                    .map_err(|_| FormError::Number { name: n.to_owned(), value: value.clone() })?;
                (n.to_owned(), Value::Number(number))
            }
            None => (name, Value::String(value)),
        };
        body.get_or_insert_with(Map::new).insert(member.0, member.1);
    }
    Ok(Call { method, path, body: body.map(Value::Object), back, token })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    // Proves placeholders fill the path, num. fields become numbers, other fields strings
    // merged over _body, and empty optional fields are left out.
    #[test]
    fn fields_become_a_call() {
        let call = to_call(f(&[
            ("_method", "POST"),
            ("_path", "/withdrawals/{withdraw_id}/{event}?mchid=1900000100"),
            ("_body", r#"{"mchid":"1900000100"}"#),
            ("withdraw_id", "W 1/2"),
            ("event", "success"),
            ("num.secs", "60"),
            ("memo", ""),
            ("desc", "x"),
            ("audit_detail[].param_name", "id_card_copy"),
            ("audit_detail[].reject_reason", "模糊"),
            ("_back", "/mock/dashboard/money"),
        ]))
        .unwrap();
        assert_eq!(call.method, axum::http::Method::POST);
        assert_eq!(call.path, "/withdrawals/W%201%2F2/success?mchid=1900000100");
        assert_eq!(
            call.body,
            Some(json!({"mchid": "1900000100", "secs": 60, "desc": "x",
                "audit_detail": [{"param_name": "id_card_copy", "reject_reason": "模糊"}]}))
        );
        assert_eq!(call.back.as_deref(), Some("/mock/dashboard/money"));
        assert_eq!(call.token, None);
    }

    // Proves forms that would call something other than the admin API, or carry bad JSON or
    // numbers, are refused.
    #[test]
    fn bad_forms_are_refused() {
        let base = |path: &str| f(&[("_method", "POST"), ("_path", path)]);
        assert_eq!(to_call(base("//evil.example/x")).unwrap_err(), FormError::Path);
        assert_eq!(to_call(base("/../v3/x")).unwrap_err(), FormError::Path);
        assert_eq!(to_call(base("clock")).unwrap_err(), FormError::Path);
        assert_eq!(
            to_call(f(&[("_method", "GET"), ("_path", "/x")])).unwrap_err(),
            FormError::Method("GET".into())
        );
        assert!(matches!(
            to_call(f(&[("_method", "POST"), ("_path", "/x"), ("_body", "[1]")])),
            Err(FormError::Body(_))
        ));
        assert!(matches!(
            to_call(f(&[("_method", "POST"), ("_path", "/x"), ("num.secs", "soon")])),
            Err(FormError::Number { .. })
        ));
        assert_eq!(to_call(f(&[("_path", "/x")])).unwrap_err(), FormError::Missing("_method"));
    }
}
