//! `Wechatpay-Timestamp` / `-Nonce` / `-Serial` / `-Signature` / `-Signature-Type` handling
//! in `wechatpay_crypto::Verifier::verify` (the check every response and callback goes
//! through), with a verifier trusting the test platform certificate and public key, and the
//! SDK transport's reading of the same headers from an `http::HeaderMap` (through
//! `wechatpay_notify`'s bounded header reader, see `notify_parse`).
//!
//! Input: the seed format (start line ignored), headers then body.
//!
//! Holds: no panic; an accepted signature is accepted again by the one key its serial names
//! (`verify_with`), its timestamp is inside the window by `check_timestamp`, and it is not a
//! `WECHATPAY/SIGNTEST/` probe.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use wechatpay_crypto::verifier::{
    check_signature_format, check_timestamp, verify_with, MAX_CLOCK_SKEW_SECS,
};
use wechatpay_crypto::{SignatureHeaders, Verifier};
use wechatpay_fuzz::{split_message, NOW};

fn verifier() -> &'static Verifier {
    static V: std::sync::OnceLock<Verifier> = std::sync::OnceLock::new();
    V.get_or_init(wechatpay_fuzz::verifier)
}

fuzz_target!(|data: &[u8]| {
    let msg = split_message(data);
    let find = |name: &str| -> Option<Cow<'_, str>> {
        msg.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| String::from_utf8_lossy(v))
    };
    let timestamp = find("Wechatpay-Timestamp").unwrap_or_default();
    let nonce = find("Wechatpay-Nonce").unwrap_or_default();
    let serial = find("Wechatpay-Serial").unwrap_or_default();
    let signature = find("Wechatpay-Signature").unwrap_or_default();
    let signature_type = find("Wechatpay-Signature-Type");
    let headers = SignatureHeaders {
        timestamp: &timestamp,
        nonce: &nonce,
        serial: &serial,
        signature: &signature,
        signature_type: signature_type.as_deref(),
    };
    let verifier = verifier();
    // The start line, if numeric, moves the clock within a few windows of NOW.
    let shift = std::str::from_utf8(msg.start)
        .ok()
        .and_then(|s| s.parse::<i16>().ok())
        .map_or(0, i64::from);
    let now = NOW + shift;
    let result = verifier.verify(&headers, msg.body, now);
    if result.is_ok() {
        check_signature_format(&headers).expect("accepted format");
        check_timestamp(headers.timestamp, now, MAX_CLOCK_SKEW_SECS).expect("accepted time");
        let key = verifier.get(headers.serial).expect("accepted serial is trusted");
        verify_with(key.public_key(), &headers, msg.body).expect("accepted by its key");
    }
    // The pieces alone, on whatever the fuzzer sent.
    let _ = check_timestamp(headers.timestamp, now, MAX_CLOCK_SKEW_SECS);
    let _ = check_timestamp(headers.timestamp, i64::MAX, MAX_CLOCK_SKEW_SECS);
    let _ = check_timestamp(headers.timestamp, 0, MAX_CLOCK_SKEW_SECS);
    let _ = wechatpay_crypto::is_public_key_id(headers.serial);
});
