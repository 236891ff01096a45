//! The mock server's request verification (`protocol::verify`, reached through the real
//! router): body limit, `User-Agent` / `Accept`, `Authorization` parsing, merchant, serial,
//! certificate validity, the ±5 min window on the tenant's virtual clock, the signature over
//! the raw body (or the multipart `meta`), and the signed error answers with their
//! `sign_information` hint.
//!
//! Input: the seed format with a request line `METHOD TARGET`; prefixed `sign ` the target
//! replaces `Authorization` with a correct one over the exact method, target and body, so
//! the fuzzer also gets past verification.
//!
//! Holds: no panic; every answer to a `/v3/` request is signed by the mock (errors too) and
//! verifies with the merchant's trusted keys at the tenant's time; error answers carry
//! WeChat Pay's `{"code","message"}` body; an unsigned-mode request with no
//! `Authorization` is never accepted.
#![no_main]

use axum::body::Body;
use http::{Method, Request};
use libfuzzer_sys::fuzz_target;
use wechatpay_fuzz::{mock, split_message};

fuzz_target!(|data: &[u8]| {
    let msg = split_message(data);
    let (sign, line) = match msg.start.strip_prefix(b"sign ") {
        Some(rest) => (true, rest),
        None => (false, msg.start),
    };
    let Some(space) = line.iter().position(|&b| b == b' ') else { return };
    let (method, target) = (&line[..space], &line[space + 1..]);
    let Ok(method) = Method::from_bytes(method) else { return };
    let Ok(target) = std::str::from_utf8(target) else { return };
    let m = mock::get();
    let mut builder = Request::builder().method(method.clone()).uri(target);
    let mut has_auth = false;
    for (n, v) in &msg.headers {
        if sign && n.eq_ignore_ascii_case(b"authorization") {
            continue;
        }
        has_auth |= n.eq_ignore_ascii_case(b"authorization");
        builder = builder.header(*n, *v);
    }
    if sign {
        let Some(auth) = m.authorization(method.as_str(), target, msg.body) else { return };
        builder = builder.header("authorization", auth);
    }
    let Ok(request) = builder.body(Body::from(msg.body.to_vec())) else { return };
    let path_is_api = request.uri().path().starts_with("/v3/");
    let answer = m.send(request);
    if path_is_api {
        m.assert_api_answer(&answer);
        if !sign && !has_auth {
            assert!(!answer.status.is_success(), "accepted without Authorization");
        }
    }
});
