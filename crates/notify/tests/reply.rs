//! The reply helpers give exactly what WeChat Pay expects (fixtures/api/notify.json
//! `merchant_response` and the vectors' `expected_ack`).

mod common;

use http::header::CONTENT_TYPE;
use http::StatusCode;
use wechatpay_notify::{ack, ack_no_content, fail, reply};

// Proves `ack()` is the vectors' expected acknowledgement: status 200, empty body.
#[test]
fn ack_matches_the_vectors() {
    for id in ["N01", "N02", "N03"] {
        let expected = &common::case(id)["expected_ack"];
        let response = ack();
        assert_eq!(u64::from(response.status().as_u16()), expected["status"].as_u64().unwrap());
        assert_eq!(response.body().as_ref(), expected["body"].as_str().unwrap().as_bytes());
    }
}

// Proves the 204 variant and the failure reply, byte for byte, with non-ASCII and quotes.
#[test]
fn exact_reply_bytes() {
    let no_content = ack_no_content();
    assert_eq!((no_content.status(), no_content.body().len()), (StatusCode::NO_CONTENT, 0));

    let failure = fail(StatusCode::INTERNAL_SERVER_ERROR, "数据库不可用 \"db\"");
    let (parts, body) = failure.into_parts();
    assert_eq!(parts.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(parts.headers.len(), 1);
    assert_eq!(parts.headers[CONTENT_TYPE], "application/json");
    assert_eq!(body.as_ref(), r#"{"code":"FAIL","message":"数据库不可用 \"db\""}"#.as_bytes());
    assert_eq!(reply::fail_body("x").as_ref(), br#"{"code":"FAIL","message":"x"}"#);
}
