//! The answers WeChat Pay expects from a callback receiver.
//!
//! Success is HTTP 200 or 204 with no body. Failure is any 4xx/5xx with
//! `{"code":"FAIL","message":"…"}`; WeChat Pay then delivers the notification again on its
//! schedule (15 s, 15 s, 30 s, 3 min, … about 24 h in total).
//!
//! The helpers return [`http::Response<Bytes>`]; with a framework that does not take `http`
//! types, use `into_parts()` for the status, headers and body.

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Response, StatusCode};
use wechatpay_models::notify::NotificationReply;

/// HTTP 200 with an empty body: the notification was handled.
pub fn ack() -> Response<Bytes> {
    Response::new(Bytes::new())
}

/// HTTP 204 No Content: the notification was handled (as good as [`ack`]).
pub fn ack_no_content() -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

/// A failure reply: `status` with `Content-Type: application/json` and
/// `{"code":"FAIL","message":<message>}`.
///
/// A `status` outside 400–599 is replaced by 500: WeChat Pay takes any 2xx as success and
/// would never deliver again.
pub fn fail(status: StatusCode, message: &str) -> Response<Bytes> {
    let status = if status.is_client_error() || status.is_server_error() {
        status
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    let mut response = Response::new(fail_body(message));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The failure body alone: `{"code":"FAIL","message":<message>}`, JSON-escaped.
pub fn fail_body(message: &str) -> Bytes {
    // Serializing two strings cannot fail; the fallback keeps this function total anyway.
    serde_json::to_vec(&NotificationReply::fail(message))
        .map_or_else(|_| Bytes::from_static(br#"{"code":"FAIL","message":""}"#), Bytes::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the acknowledgements are exactly 200 / 204 with no body and no headers.
    #[test]
    fn acks_are_empty() {
        let ok = ack();
        assert_eq!(ok.status(), StatusCode::OK);
        assert!(ok.body().is_empty());
        assert!(ok.headers().is_empty());
        let no_content = ack_no_content();
        assert_eq!(no_content.status(), StatusCode::NO_CONTENT);
        assert!(no_content.body().is_empty());
    }

    // Proves the failure reply's exact bytes, content type and status, with escaping.
    #[test]
    fn fail_is_wechat_json() {
        let reply = fail(StatusCode::UNAUTHORIZED, "bad \"sig\"");
        assert_eq!(reply.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(reply.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(reply.body().as_ref(), br#"{"code":"FAIL","message":"bad \"sig\""}"#);
    }

    // Proves a success status cannot be used for a failure reply.
    #[test]
    fn fail_never_answers_success() {
        for status in
            [StatusCode::OK, StatusCode::NO_CONTENT, StatusCode::FOUND, StatusCode::CONTINUE]
        {
            assert_eq!(fail(status, "x").status(), StatusCode::INTERNAL_SERVER_ERROR);
        }
        assert_eq!(
            fail(StatusCode::SERVICE_UNAVAILABLE, "x").status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
