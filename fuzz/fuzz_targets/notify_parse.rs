//! Callback parsing: `wechatpay_notify::NotifyParser::parse` / `parse_as` (bounded header
//! reading, signature check, envelope JSON, AES-256-GCM decrypt with the known APIv3 key,
//! typed resource decoding).
//!
//! Input: the seed format. The start line picks the mode:
//! - `real` (or anything else): headers and body as received, the real verifier (platform
//!   certificate + public key of the test identity) at the time of the notify vectors;
//! - `trusted`: the body goes past an accept-all verifier, so the envelope parser and the
//!   decryption see attacker bytes (a forged tag must never decrypt);
//! - `sealed <EVENT_TYPE>`: the body is a resource plaintext; the target encrypts it with the
//!   APIv3 key into a well-formed envelope, so the typed event decoders see attacker JSON.
//!
//! Holds: no panic; every error renders a reply; in `sealed` mode `parse_as::<Value>`
//! succeeds exactly when the plaintext is JSON, and `parse` succeeds only on JSON (or on
//! JSON with invalid UTF-8 inside a member it ignores, which serde_json does not check).
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use wechatpay_crypto::{ApiV3Key, FixedClock, SignatureHeaders, VerifySignature};
use wechatpay_fuzz::{header_map, split_message, API_V3_KEY};
use wechatpay_notify::NotifyParser;

/// Signs nothing, trusts everything: reaches what lies behind the signature check.
#[derive(Debug)]
struct AcceptAll;

impl VerifySignature for AcceptAll {
    fn verify_signature(
        &self,
        _: &SignatureHeaders<'_>,
        _: &[u8],
        _: i64,
    ) -> wechatpay_crypto::Result<()> {
        Ok(())
    }
}

/// The notify vectors are signed at 1735699000..=1735699002.
const NOTIFY_NOW: i64 = 1_735_699_001;

fn real() -> &'static NotifyParser {
    static P: OnceLock<NotifyParser> = OnceLock::new();
    P.get_or_init(|| {
        NotifyParser::new(wechatpay_fuzz::verifier(), ApiV3Key::new(API_V3_KEY).unwrap())
            .with_clock(Arc::new(FixedClock::new(NOTIFY_NOW)))
    })
}

fn trusted() -> &'static NotifyParser {
    static P: OnceLock<NotifyParser> = OnceLock::new();
    P.get_or_init(|| {
        NotifyParser::new(AcceptAll, ApiV3Key::new(API_V3_KEY).unwrap())
            .with_clock(Arc::new(FixedClock::new(NOTIFY_NOW)))
    })
}

fn check<T>(result: Result<T, wechatpay_notify::Error>) -> bool {
    match result {
        Ok(_) => true,
        Err(e) => {
            let _ =
                (e.status(), e.reply(), e.reply_message(), e.is_sign_test_probe(), e.to_string());
            false
        }
    }
}

fn signature_headers() -> http::HeaderMap {
    let pairs: [(&[u8], &[u8]); 4] = [
        (b"Wechatpay-Timestamp", b"1735699001"),
        (b"Wechatpay-Nonce", b"A7F532CF0C4862324376C91189604916"),
        (b"Wechatpay-Serial", b"5F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C"),
        (b"Wechatpay-Signature", b"AAAA"),
    ];
    header_map(&pairs)
}

fuzz_target!(|data: &[u8]| {
    let msg = split_message(data);
    let headers = header_map(&msg.headers);
    if msg.start == b"trusted" {
        check(trusted().parse(&headers, msg.body));
        check(trusted().parse_as::<serde_json::Value>(&headers, msg.body));
    } else if let Some(event_type) = msg.start.strip_prefix(b"sealed ") {
        let key = ApiV3Key::new(API_V3_KEY).unwrap();
        let nonce = "fuzznonce012";
        let ad = "transaction";
        let Ok(ciphertext) = key.encrypt(nonce, ad, msg.body) else { return };
        let envelope = serde_json::json!({
            "id": "EV-FUZZ",
            "create_time": "2025-01-01T10:35:00+08:00",
            "resource_type": "encrypt-resource",
            "event_type": String::from_utf8_lossy(event_type),
            "summary": "fuzz",
            "resource": {
                "original_type": "transaction",
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "associated_data": ad,
                "nonce": nonce,
            },
        });
        let body = serde_json::to_vec(&envelope).unwrap();
        let headers = signature_headers();
        let as_value = trusted().parse_as::<serde_json::Value>(&headers, &body);
        let is_json = serde_json::from_slice::<serde_json::Value>(msg.body).is_ok();
        assert_eq!(as_value.is_ok(), is_json, "sealed plaintext decrypts and decodes as JSON");
        if let Ok(v) = &as_value {
            assert_eq!(v.id(), "EV-FUZZ");
        }
        let typed = check(trusted().parse(&headers, &body));
        // serde_json skips the strings of unknown members without checking their UTF-8, so a
        // typed event may come from a body that is JSON except for such a string.
        let utf8 = std::str::from_utf8(msg.body).is_ok();
        assert!(!typed || is_json || !utf8, "a typed event from non-JSON plaintext");
    } else {
        check(real().parse(&headers, msg.body));
        check(real().parse_as::<serde_json::Value>(&headers, msg.body));
    }
});
