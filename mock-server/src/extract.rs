//! Extractors whose rejections speak WeChat: [`WxJson`] for JSON bodies and [`WxQuery`] for
//! query strings. A bad body or query gets `400` with `PARAM_ERROR` / `INVALID_REQUEST` and
//! `detail.field` as a JSON pointer (`/amount/total`) or the parameter name, never axum's
//! plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_path_to_error::Segment;

use crate::error::{ApiError, Location};

/// A JSON request body (or response) with WeChat-style rejections.
#[derive(Clone, Copy, Debug, Default)]
pub struct WxJson<T>(pub T);

/// Escapes one JSON pointer token (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn pointer(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&pointer_token(key));
            }
            Segment::Enum { variant } => {
                out.push('/');
                out.push_str(&pointer_token(variant));
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

/// serde reports a missing member at its parent; the pointer should name the member.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

fn is_json(headers: &HeaderMap) -> bool {
    // Two Content-Types (a CRLF injected upstream) leave open which one the body is in.
    if headers.get_all(header::CONTENT_TYPE).iter().nth(1).is_some() {
        return false;
    }
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Parses JSON bytes into `T`, mapping errors the WeChat way.
///
/// # Errors
/// `400 INVALID_REQUEST` for text that is not JSON; `400 PARAM_ERROR` naming the member
/// (JSON pointer) whose value has the wrong type or is missing.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let inner = e.inner();
            if !inner.is_data() {
                return Err(ApiError::invalid_request("请求体不是合法的 JSON").with_detail(
                    wechatpay_models::error::ErrorDetail {
                        issue: Some(format!("body is not valid JSON: {inner}")),
                        location: Some(Location::Body.as_str().to_owned()),
                        ..Default::default()
                    },
                ));
            }
            let message = inner.to_string();
            let mut field = pointer(e.path());
            if let Some(name) = missing_field(&message) {
                field.push('/');
                field.push_str(&pointer_token(name));
            }
            if field.is_empty() {
                field.push('/');
            }
            return Err(ApiError::param_error(field, Location::Body, message));
        }
    };
    de.end().map_err(|e| {
        ApiError::invalid_request("请求体不是合法的 JSON").with_detail(
            wechatpay_models::error::ErrorDetail {
                issue: Some(format!("trailing characters after the JSON value: {e}")),
                location: Some(Location::Body.as_str().to_owned()),
                ..Default::default()
            },
        )
    })?;
    Ok(value)
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for WxJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::invalid_request("Content-Type 必须为 application/json")
                .with_detail(wechatpay_models::error::ErrorDetail {
                    field: Some("Content-Type".into()),
                    issue: Some("a JSON body needs Content-Type: application/json".into()),
                    location: Some(Location::Header.as_str().to_owned()),
                    ..Default::default()
                }));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::invalid_request(format!("请求体无法读取: {e}")))?;
        parse_json(&bytes).map(WxJson)
    }
}

impl<T: Serialize> IntoResponse for WxJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Path parameters with WeChat-style rejections (`PARAM_ERROR`, `location: path`), so a
/// segment that is not UTF-8 (`/v3/ecommerce/refunds/id/%FF`) or does not fit the type gets
/// WeChat Pay's JSON error body instead of axum's plain-text rejection.
#[derive(Clone, Copy, Debug, Default)]
pub struct WxPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for WxPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(WxPath(value)),
            Err(e) => Err(ApiError::param_error("path", Location::Path, e.body_text())),
        }
    }
}

/// A query string with WeChat-style rejections (`PARAM_ERROR`, `location: query`).
#[derive(Clone, Copy, Debug, Default)]
pub struct WxQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for WxQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let de = parse_query(query);
        match de {
            Ok(v) => Ok(WxQuery(v)),
            Err((field, issue)) if !field.is_empty() => {
                Err(ApiError::param_error(field, Location::Query, issue))
            }
            // serde_urlencoded does not say which parameter held a badly typed value.
            Err((_, issue)) => Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "PARAM_ERROR",
                format!("参数错误: {issue}"),
            )
            .with_detail(wechatpay_models::error::ErrorDetail {
                issue: Some(issue),
                location: Some(Location::Query.as_str().to_owned()),
                ..Default::default()
            })),
        }
    }
}

fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, (String, String)> {
    // axum's Query extractor wraps serde_urlencoded; going through it keeps one parser.
    let uri: axum::http::Uri = format!("/?{query}")
        .parse()
        .map_err(|_| (String::new(), "query string is not valid".to_owned()))?;
    axum::extract::Query::<T>::try_from_uri(&uri).map(|q| q.0).map_err(|e| {
        let text = e.body_text();
        let field = text
            .split('`')
            .nth(1)
            .filter(|_| text.contains("missing field") || text.contains("unknown field"))
            .unwrap_or_default()
            .to_owned();
        (field, text)
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // The fields exist to be deserialized; the tests look at errors.
    struct Order {
        amount: Amount,
        sub_orders: Vec<Amount>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Amount {
        total: i64,
    }

    // Proves a wrongly typed member is named by its JSON pointer, arrays included.
    #[test]
    fn data_errors_name_the_member() {
        let e = parse_json::<Order>(br#"{"amount":{"total":"x"},"sub_orders":[]}"#).unwrap_err();
        assert_eq!(e.code(), "PARAM_ERROR");
        assert_eq!(e.body().detail.as_ref().unwrap().field.as_deref(), Some("/amount/total"));
        let e = parse_json::<Order>(
            br#"{"amount":{"total":1},"sub_orders":[{"total":1},{"total":true}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.body().detail.as_ref().unwrap().field.as_deref(), Some("/sub_orders/1/total"));
    }

    // Proves a missing member is named by its own pointer, not its parent's.
    #[test]
    fn missing_member_is_named() {
        let e = parse_json::<Order>(br#"{"amount":{},"sub_orders":[]}"#).unwrap_err();
        assert_eq!(e.body().detail.as_ref().unwrap().field.as_deref(), Some("/amount/total"));
        let e = parse_json::<Order>(br#"{"amount":{"total":1}}"#).unwrap_err();
        assert_eq!(e.body().detail.as_ref().unwrap().field.as_deref(), Some("/sub_orders"));
    }

    // Proves query rejections name the parameter when serde says which, and are PARAM_ERROR either way.
    #[tokio::test]
    async fn query_rejections() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Q {
            status: Option<u16>,
        }
        let run = |uri: &'static str| async move {
            let (mut parts, ()) =
                axum::http::Request::builder().uri(uri).body(()).unwrap().into_parts();
            WxQuery::<Q>::from_request_parts(&mut parts, &()).await
        };
        assert!(run("/?status=404").await.is_ok());
        let e = run("/?colour=red").await.unwrap_err();
        assert_eq!(e.body().detail.as_ref().unwrap().field.as_deref(), Some("colour"));
        let e = run("/?status=abc").await.unwrap_err();
        assert_eq!(e.code(), "PARAM_ERROR");
        assert_eq!(e.body().detail.as_ref().unwrap().location.as_deref(), Some("query"));
    }

    // Proves text that is not JSON (or has trailing bytes) is INVALID_REQUEST, not PARAM_ERROR.
    #[test]
    fn syntax_errors_are_invalid_request() {
        assert_eq!(
            parse_json::<serde_json::Value>(b"{oops").unwrap_err().code(),
            "INVALID_REQUEST"
        );
        assert_eq!(
            parse_json::<serde_json::Value>(b"{} {}").unwrap_err().code(),
            "INVALID_REQUEST"
        );
        assert_eq!(pointer_token("a/b~c"), "a~1b~0c");
    }

    // Proves a path segment that is not UTF-8 gets WeChat Pay's JSON PARAM_ERROR (location
    // path), not axum's plain-text rejection (found by the mock_verify fuzz target).
    #[tokio::test]
    async fn bad_path_segments_are_param_errors() {
        use tower::ServiceExt;
        async fn show(WxPath(id): WxPath<String>) -> String {
            id
        }
        let app = axum::Router::new().route("/refunds/id/{id}", axum::routing::get(show));
        let call = |uri: &'static str| {
            let app = app.clone();
            async move {
                let request =
                    axum::http::Request::builder().uri(uri).body(axum::body::Body::empty());
                app.oneshot(request.unwrap()).await.unwrap()
            }
        };
        assert_eq!(call("/refunds/id/RF1").await.status(), 200);
        let answer = call("/refunds/id/%FF").await;
        assert_eq!(answer.status(), 400);
        let body = axum::body::to_bytes(answer.into_body(), 1 << 16).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "PARAM_ERROR");
        assert_eq!(body["detail"]["location"], "path");
    }
}
