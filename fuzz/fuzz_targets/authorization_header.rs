//! `Authorization: WECHATPAY2-SHA256-RSA2048 …` parsing (`wechatpay_crypto::Authorization::parse`,
//! the parser the mock server runs on every merchant request).
//!
//! Holds: no panic; whatever parses re-parses from its canonical form to the same value, and
//! the canonical form is never longer than the input (the 4096-byte limit cannot be
//! crossed by re-serialising).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechatpay_crypto::authorization::MAX_HEADER_LEN;
use wechatpay_crypto::Authorization;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        // Lossy text still exercises the parser on replacement characters.
        let _ = Authorization::parse(&String::from_utf8_lossy(data));
        return;
    };
    let Ok(auth) = Authorization::parse(text) else { return };
    let canonical = auth.to_header_value();
    assert!(canonical.len() <= text.len().max(MAX_HEADER_LEN));
    assert_eq!(canonical, auth.to_string());
    let again = Authorization::parse(&canonical).expect("canonical form re-parses");
    assert_eq!(again.mchid, auth.mchid);
    assert_eq!(again.nonce_str, auth.nonce_str);
    assert_eq!(again.signature, auth.signature);
    assert_eq!(again.timestamp, auth.timestamp);
    assert_eq!(again.serial_no, auth.serial_no);
    // The base64 decoder the mock applies to the signature next.
    let _ = wechatpay_crypto::base64::decode(&auth.signature, "signature");
});
