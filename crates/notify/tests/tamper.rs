//! Every way a callback can be wrong is refused with the error that names it, and nothing
//! past the failing step is looked at.

mod common;

use common::{callback, make_callback, parser_at, Callback};
use wechatpay_crypto::Error as CryptoError;
use wechatpay_notify::{Error, HeaderProblem, MAX_BODY_BYTES};

/// The vectors' callbacks were sent within seconds of this time (N01's timestamp), so a clock
/// stopped here accepts all of them, whatever is done to their headers.
const NOW: i64 = 1_735_699_000;

fn parse(cb: &Callback) -> Result<wechatpay_notify::Verified<wechatpay_notify::Event>, Error> {
    parser_at(NOW).parse(&cb.headers, &cb.body)
}

// Proves flipping any one body byte (here: one in the envelope id, one in the ciphertext)
// breaks the signature.
#[test]
fn flipped_body_byte_fails_signature() {
    let original = callback("N01");
    for at in [8, original.body.len() / 2] {
        let mut cb = original.clone();
        cb.body[at] ^= 0x01;
        let err = parse(&cb).unwrap_err();
        assert!(matches!(err, Error::Signature(CryptoError::BadSignature)), "byte {at}: {err:?}");
    }
}

// Proves a ciphertext changed and then properly signed passes the signature and fails
// decryption (the AEAD tag), not anything earlier or later.
#[test]
fn flipped_ciphertext_fails_decryption() {
    let mut cb = callback("N01");
    let mut envelope = cb.envelope();
    let ciphertext = envelope["resource"]["ciphertext"].as_str().unwrap().to_owned();
    // Swap one base64 character for another so the text still decodes.
    let first = if ciphertext.starts_with('A') { "B" } else { "A" };
    envelope["resource"]["ciphertext"] = format!("{first}{}", &ciphertext[1..]).into();
    cb.set_envelope(&envelope);
    let err = parse(&cb).unwrap_err();
    assert!(matches!(err, Error::Decrypt(CryptoError::AeadAuthentication)), "{err:?}");
}

// Proves a wrong associated_data (signed correctly) fails decryption too.
#[test]
fn wrong_associated_data_fails_decryption() {
    let mut cb = callback("N03");
    let mut envelope = cb.envelope();
    envelope["resource"]["associated_data"] = "transaction".into();
    cb.set_envelope(&envelope);
    assert!(matches!(parse(&cb).unwrap_err(), Error::Decrypt(CryptoError::AeadAuthentication)));
}

// Proves a parser holding another APIv3 key cannot decrypt a genuine callback.
#[test]
fn wrong_api_v3_key_fails_decryption() {
    let cb = callback("N02");
    let parser = wechatpay_notify::NotifyParser::new(
        common::verifier(),
        wechatpay_crypto::ApiV3Key::new("AnotherKey0123456789abcdefABCDEF").unwrap(),
    )
    .with_clock(std::sync::Arc::new(wechatpay_crypto::FixedClock::new(cb.timestamp())));
    assert!(matches!(parser.parse(&cb.headers, &cb.body).unwrap_err(), Error::Decrypt(_)));
}

// Proves each required header, when absent, is reported by name.
#[test]
fn missing_headers_are_named() {
    for name in
        ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial", "Wechatpay-Signature"]
    {
        let mut cb = callback("N01");
        cb.headers.remove(name);
        let err = parse(&cb).unwrap_err();
        assert!(matches!(err, Error::MissingHeader(n) if n == name), "{name}: {err:?}");
        assert_eq!(err.to_string(), format!("missing header `{name}`"));
    }
}

// Proves repeated, oversized, non-ASCII and empty header values are refused by name.
#[test]
fn malformed_headers_are_named() {
    let cases: [(&str, &[&[u8]], HeaderProblem); 4] = [
        ("Wechatpay-Nonce", &[b"a", b"b"], HeaderProblem::Repeated),
        ("Wechatpay-Serial", &[&[b'A'; 65]], HeaderProblem::TooLong { len: 65, max: 64 }),
        ("Wechatpay-Timestamp", &["１７３５".as_bytes()], HeaderProblem::NotAscii),
        ("Wechatpay-Signature", &[b""], HeaderProblem::Empty),
    ];
    for (name, values, problem) in cases {
        let mut cb = callback("N01");
        cb.headers.remove(name);
        for value in values {
            cb.headers.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                http::HeaderValue::from_bytes(value).unwrap(),
            );
        }
        let err = parse(&cb).unwrap_err();
        assert!(
            matches!(err, Error::MalformedHeader { name: n, problem: p } if n == name && p == problem),
            "{name}: {err:?}"
        );
    }
}

// Proves a serial no trusted key has is refused as unknown.
#[test]
fn unknown_serial_is_refused() {
    let mut cb = callback("N01");
    cb.set("Wechatpay-Serial", "0000000000000000000000000000000000000000");
    let err = parse(&cb).unwrap_err();
    assert!(
        matches!(err, Error::Signature(CryptoError::UnknownSerial(ref s)) if s.starts_with("0000")),
        "{err:?}"
    );
}

// Proves the ±300 s window: the edges pass, one second beyond either fails with the
// matching error.
#[test]
fn timestamp_window_is_enforced() {
    let cb = callback("N01");
    let ts = cb.timestamp();
    for now in [ts - 300, ts + 300] {
        assert!(parser_at(now).parse(&cb.headers, &cb.body).is_ok(), "now = ts{:+}", now - ts);
    }
    let stale = parser_at(ts + 301).parse(&cb.headers, &cb.body).unwrap_err();
    assert!(
        matches!(stale, Error::Signature(CryptoError::TimestampExpired { age_secs: 301, .. })),
        "{stale:?}"
    );
    let future = parser_at(ts - 301).parse(&cb.headers, &cb.body).unwrap_err();
    assert!(
        matches!(future, Error::Signature(CryptoError::TimestampInFuture { ahead_secs: 301, .. })),
        "{future:?}"
    );
}

// Proves a WECHATPAY/SIGNTEST/ probe is refused as a probe and answered with a failure.
#[test]
fn sign_test_probe_is_refused() {
    let mut cb = callback("N01");
    cb.set(
        "Wechatpay-Signature",
        "WECHATPAY/SIGNTEST/mEjrol+2yknwdRWkDHWOKKw/ro88DwaKV6FFm0A64IA=",
    );
    let err = parse(&cb).unwrap_err();
    assert!(err.is_sign_test_probe(), "{err:?}");
    assert_eq!(err.reply().status(), http::StatusCode::UNAUTHORIZED);
    // A forged signature is not mistaken for a probe.
    let mut forged = callback("N01");
    forged.body[10] ^= 1;
    assert!(!parse(&forged).unwrap_err().is_sign_test_probe());
}

// Proves a signature type other than WECHATPAY2-SHA256-RSA2048 is refused.
#[test]
fn other_signature_type_is_refused() {
    let mut cb = callback("N01");
    cb.set("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3");
    assert!(matches!(
        parse(&cb).unwrap_err(),
        Error::Signature(CryptoError::UnsupportedSignatureType(_))
    ));
}

// Proves an oversized body is refused before anything else, even with no headers at all,
// and that exactly the limit is still parsed.
#[test]
fn oversize_body_is_refused_first() {
    let mut cb = callback("N01");
    cb.body = vec![b' '; MAX_BODY_BYTES + 1];
    cb.headers.clear();
    let err = parse(&cb).unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { max_bytes: MAX_BODY_BYTES }), "{err:?}");

    // At the limit the body goes on to the header check.
    cb.body.truncate(MAX_BODY_BYTES);
    assert!(matches!(parse(&cb).unwrap_err(), Error::MissingHeader(_)));
}

// Proves a correctly signed body that is not JSON is an envelope error carrying serde's
// explanation.
#[test]
fn non_json_body_is_an_envelope_error() {
    let mut cb = callback("N01");
    cb.body = b"<xml><return_code>SUCCESS</return_code></xml>".to_vec();
    cb.resign();
    let err = parse(&cb).unwrap_err();
    let Error::Envelope(source) = &err else { panic!("{err:?}") };
    assert!(source.is_syntax(), "{source}");
    assert_eq!(std::error::Error::source(&err).unwrap().to_string(), source.to_string());
}

// Proves JSON that lacks envelope members is an envelope error naming the member.
#[test]
fn incomplete_envelope_is_an_envelope_error() {
    let mut cb = callback("N01");
    let mut envelope = cb.envelope();
    envelope.as_object_mut().unwrap().remove("resource");
    cb.set_envelope(&envelope);
    let err = parse(&cb).unwrap_err();
    assert!(matches!(&err, Error::Envelope(e) if e.to_string().contains("resource")), "{err:?}");
}

// Proves an unknown resource_type and an unknown algorithm are refused by value, before any
// decryption is tried.
#[test]
fn unsupported_resource_type_and_algorithm() {
    let mut cb = callback("N01");
    let mut envelope = cb.envelope();
    envelope["resource_type"] = "plain-resource".into();
    cb.set_envelope(&envelope);
    assert!(
        matches!(parse(&cb).unwrap_err(), Error::UnsupportedResourceType(ref t) if t == "plain-resource")
    );

    let mut cb = callback("N01");
    let mut envelope = cb.envelope();
    envelope["resource"]["algorithm"] = "AEAD_SM4_GCM".into();
    cb.set_envelope(&envelope);
    assert!(
        matches!(parse(&cb).unwrap_err(), Error::UnsupportedAlgorithm(ref a) if a == "AEAD_SM4_GCM")
    );
}

// Proves a resource that decrypts but does not fit its event type names the event type and
// serde's complaint.
#[test]
fn mismatched_resource_names_the_event() {
    let transaction = common::case("N01")["plaintext"].as_str().unwrap().to_owned();
    let cb = make_callback("REFUND.SUCCESS", "refund", Some("refund"), &transaction);
    let err = parse(&cb).unwrap_err();
    let Error::Resource { event_type, source } = &err else { panic!("{err:?}") };
    assert_eq!(event_type, "REFUND.SUCCESS");
    assert!(source.to_string().contains("missing field"), "{source}");
    assert_eq!(err.to_string(), "decrypted REFUND.SUCCESS resource does not match its type");
}

// Proves a plaintext that is not UTF-8 JSON is a resource error, not a panic.
#[test]
fn non_json_plaintext_is_a_resource_error() {
    let cb = make_callback("MCHWITHDRAW.CHANGE", "mch_withdraw", None, "not json");
    assert!(matches!(parse(&cb).unwrap_err(), Error::Resource { .. }));
}

// Proves each error's failure reply: status and the exact `{"code":"FAIL",…}` body.
#[test]
fn errors_reply_with_fail_bodies() {
    let mut unsigned = callback("N01");
    unsigned.headers.remove("Wechatpay-Signature");
    let mut forged = callback("N01");
    forged.body[8] ^= 1;
    let mut big = callback("N01");
    big.body = vec![b'{'; MAX_BODY_BYTES + 1];
    let mut bad_ct = callback("N01");
    let mut envelope = bad_ct.envelope();
    envelope["resource"]["nonce"] = "short".into();
    bad_ct.set_envelope(&envelope);

    let cases = [
        (unsigned, 400, "missing signature header"),
        (forged, 401, "signature verification failed"),
        (big, 413, "body too large"),
        (bad_ct, 500, "resource decryption failed"),
    ];
    for (cb, status, message) in cases {
        let err = parse(&cb).unwrap_err();
        let reply = err.reply();
        assert_eq!(reply.status().as_u16(), status, "{err:?}");
        assert_eq!(reply.headers()[http::header::CONTENT_TYPE], "application/json");
        assert_eq!(
            reply.body().as_ref(),
            format!(r#"{{"code":"FAIL","message":"{message}"}}"#).as_bytes()
        );
    }
}
