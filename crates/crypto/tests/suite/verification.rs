//! Response and callback verification (R01–R13, N01–N03, `/v3/certificates`), probes and
//! signature types, against `fixtures/vectors/`.

use serde_json::Value;
use wechatpay_crypto::message::response_message;
use wechatpay_crypto::{ApiV3Key, Certificate, Error, SignatureHeaders, Verifier};

use super::BACKEND;
use crate::support::{
    arr, full_verifier, identity, int, s, vector_json, vector_text, verifier_for,
};

fn headers_of(case: &Value) -> SignatureHeaders<'_> {
    SignatureHeaders {
        timestamp: s(case, "timestamp"),
        nonce: s(case, "nonce"),
        serial: s(case, "serial"),
        signature: s(case, "signature"),
        signature_type: Some(s(case, "signature_type")),
    }
}

/// `Wechatpay-*` headers out of an HTTP header map as the vectors write it.
fn http_headers(headers: &Value) -> SignatureHeaders<'_> {
    SignatureHeaders {
        timestamp: s(headers, "Wechatpay-Timestamp"),
        nonce: s(headers, "Wechatpay-Nonce"),
        serial: s(headers, "Wechatpay-Serial"),
        signature: s(headers, "Wechatpay-Signature"),
        signature_type: headers.get("Wechatpay-Signature-Type").and_then(Value::as_str),
    }
}

fn api_v3_key() -> ApiV3Key {
    ApiV3Key::with_backend(s(&identity(), "apiv3_key"), BACKEND).unwrap()
}

#[test]
fn response_vectors_r01_to_r13_give_the_expected_verdict() {
    // Proves that each response vector is accepted or rejected for the documented reason:
    // valid, BadSignature, UnknownSerial, or the timestamp error on the side it is off.
    let vectors = vector_json("response_verification_vectors.json");
    let mut by_class = std::collections::BTreeMap::<String, usize>::new();
    let mut body_changed = 0;
    for case in arr(&vectors, "cases") {
        let id = s(case, "id");
        let verifier = verifier_for(&case["trusted_keys"], BACKEND)
            .with_max_skew_secs(case["max_clock_skew_seconds"].as_i64().unwrap());
        let headers = headers_of(case);
        let body = s(case, "body").as_bytes();
        let expected = s(case, "expected");
        // The message built from the received body is what was signed, except where the
        // vector changed the body after signing (R06 tampered, R07 re-serialised).
        if response_message(headers.timestamp, headers.nonce, body)
            != s(case, "signed_message").as_bytes()
        {
            assert_eq!(expected, "invalid_signature", "{id}: body differs from the signed one");
            body_changed += 1;
        }
        let now = int(case, "verify_at");
        let result = verifier.verify(&headers, body, now);
        match expected {
            "valid" => assert_eq!(result, Ok(()), "{id}"),
            "invalid_signature" => assert_eq!(result, Err(Error::BadSignature), "{id}"),
            "unknown_serial" => {
                assert_eq!(result, Err(Error::UnknownSerial(headers.serial.to_owned())), "{id}");
            }
            "timestamp_expired" if now > int(case, "timestamp") => {
                assert!(matches!(result, Err(Error::TimestampExpired { .. })), "{id}: {result:?}");
            }
            "timestamp_expired" => {
                assert!(matches!(result, Err(Error::TimestampInFuture { .. })), "{id}: {result:?}");
            }
            other => panic!("{id}: unknown expectation {other}"),
        }
        *by_class.entry(expected.to_owned()).or_default() += 1;
    }
    let counts: Vec<(&str, usize)> = by_class.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        counts,
        [("invalid_signature", 4), ("timestamp_expired", 2), ("unknown_serial", 2), ("valid", 5)]
    );
    assert_eq!(body_changed, 2);
}

#[test]
fn signtest_probe_is_rejected_as_such() {
    // Proves that a `WECHATPAY/SIGNTEST/` probe signature is refused with SignTestProbe (before
    // any base64 decoding), as WeChat Pay expects of a merchant that verifies signatures.
    let vectors = vector_json("response_verification_vectors.json");
    let case = &arr(&vectors, "cases")[0];
    let verifier = full_verifier(BACKEND);
    let probe = format!("WECHATPAY/SIGNTEST/{}", s(case, "signature"));
    let headers = SignatureHeaders { signature: &probe, ..headers_of(case) };
    let now = int(case, "verify_at");
    assert_eq!(
        verifier.verify(&headers, s(case, "body").as_bytes(), now),
        Err(Error::SignTestProbe)
    );
    // The untouched case verifies, so the probe prefix alone made the difference.
    assert_eq!(verifier.verify(&headers_of(case), s(case, "body").as_bytes(), now), Ok(()));
}

#[test]
fn other_signature_types_are_rejected() {
    // Proves that a Wechatpay-Signature-Type other than WECHATPAY2-SHA256-RSA2048 is refused
    // even when the signature itself is good, and that an absent type is accepted.
    let vectors = vector_json("response_verification_vectors.json");
    let case = &arr(&vectors, "cases")[0];
    let verifier = full_verifier(BACKEND);
    let body = s(case, "body").as_bytes();
    let now = int(case, "verify_at");
    for bad in ["WECHATPAY2-SM2-WITH-SM3", "wechatpay2-sha256-rsa2048", ""] {
        let headers = SignatureHeaders { signature_type: Some(bad), ..headers_of(case) };
        assert_eq!(
            verifier.verify(&headers, body, now),
            Err(Error::UnsupportedSignatureType(bad.to_owned()))
        );
    }
    let headers = SignatureHeaders { signature_type: None, ..headers_of(case) };
    assert_eq!(verifier.verify(&headers, body, now), Ok(()));
}

#[test]
fn garbage_signatures_are_rejected_without_panicking() {
    // Proves that signatures that are not base64, are empty, or are far too long are refused
    // with SignatureEncoding or BadSignature, never accepted.
    let vectors = vector_json("response_verification_vectors.json");
    let case = &arr(&vectors, "cases")[0];
    let verifier = full_verifier(BACKEND);
    let body = s(case, "body").as_bytes();
    let now = int(case, "verify_at");
    let long = "A".repeat(2048);
    let short = wechatpay_crypto::base64::encode([1u8; 255]);
    for (signature, expected) in [
        ("not base64!", Error::SignatureEncoding),
        (long.as_str(), Error::SignatureEncoding),
        ("", Error::BadSignature),
        (short.as_str(), Error::BadSignature),
    ] {
        let headers = SignatureHeaders { signature, ..headers_of(case) };
        assert_eq!(verifier.verify(&headers, body, now), Err(expected), "{signature:.20}");
    }
}

#[test]
fn callbacks_n01_to_n03_verify_and_decrypt() {
    // Proves that each complete callback verifies over its raw body at its own timestamp
    // (platform-certificate and public-key modes) and that its resource decrypts to the exact
    // plaintext.
    let vectors = vector_json("notify_vectors.json");
    let verifier = full_verifier(BACKEND);
    let key = api_v3_key();
    let mut checked = 0;
    for case in arr(&vectors, "cases") {
        let id = s(case, "id");
        let headers = http_headers(&case["headers"]);
        let body = s(case, "body");
        let now: i64 = headers.timestamp.parse().unwrap();
        assert_eq!(verifier.verify(&headers, body.as_bytes(), now), Ok(()), "{id}");

        let envelope: Value = serde_json::from_str(body).unwrap();
        let resource = &envelope["resource"];
        assert_eq!(s(resource, "algorithm"), wechatpay_crypto::AEAD_AES_256_GCM, "{id}");
        let plaintext = key
            .decrypt_to_string(
                s(resource, "nonce"),
                s(resource, "associated_data"),
                s(resource, "ciphertext"),
            )
            .unwrap();
        assert_eq!(plaintext, s(case, "plaintext"), "{id}");

        // One changed byte in the body breaks the signature.
        let tampered = body.replacen("\"id\"", "\"Id\"", 1);
        assert_eq!(
            verifier.verify(&headers, tampered.as_bytes(), now),
            Err(Error::BadSignature),
            "{id}"
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn certificates_response_decrypts_to_the_platform_certificate_that_signed_it() {
    // Proves the bootstrap of certificate mode: `encrypt_certificate` decrypts to
    // keys/wechatpay_platform_cert.pem byte for byte, the decrypted certificate has the listed
    // serial, and the response verifies with it (and with nothing else).
    let vector = vector_json("certificates_response.json");
    let response = &vector["response"];
    let body = s(response, "body");
    let listing: Value = serde_json::from_str(body).unwrap();
    let data = arr(&listing, "data");
    assert_eq!(data.len(), 1);
    let entry = &data[0];
    let encrypted = &entry["encrypt_certificate"];

    let pem = api_v3_key()
        .decrypt_to_string(
            s(encrypted, "nonce"),
            s(encrypted, "associated_data"),
            s(encrypted, "ciphertext"),
        )
        .unwrap();
    assert_eq!(pem, vector_text("keys/wechatpay_platform_cert.pem"));
    assert_eq!(pem, s(&vector, "decrypted_certificate_pem"));

    let cert = Certificate::from_pem_with(&pem, BACKEND).unwrap();
    assert_eq!(cert.serial().as_str(), s(entry, "serial_no"));
    assert_eq!(cert.serial().as_str(), s(&vector, "serial_no"));
    assert_eq!(cert.pem(), pem);

    let headers = http_headers(&response["headers"]);
    assert_eq!(headers.serial, cert.serial().as_str());
    let now: i64 = headers.timestamp.parse().unwrap();
    let empty = Verifier::new();
    assert_eq!(
        empty.verify(&headers, body.as_bytes(), now),
        Err(Error::UnknownSerial(headers.serial.to_owned()))
    );

    let mut verifier = Verifier::new();
    verifier.add_certificate(cert);
    assert_eq!(verifier.verify(&headers, body.as_bytes(), now), Ok(()));
}
