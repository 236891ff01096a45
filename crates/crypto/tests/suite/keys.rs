//! Keys and certificates: serials, validity, every kind of bad input, and Debug redaction.

use wechatpay_crypto::message::request_message;
use wechatpay_crypto::{
    ApiV3Key, Certificate, Error, MerchantSigner, PrivateKey, PublicKey, WechatPayPublicKey,
};

use super::BACKEND;
use crate::support::{
    certificate, identity, merchant_key, merchant_public_key, merchant_signer, s, test_data_text,
    vector_text,
};

/// A P-256 key, PKCS#8 (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`).
const EC_P256_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQAtcaQ56SYAjyn9e
r6WHbs5jkWsf+V1SYPInNYOfgGWhRANCAASGJiGhB7wnmvpxUlg7Zv9fPEFsCPvQ
5Tpo1N611uBqJil2ADxKe0g4L6bqGlXOBuz44gSUEkxzKdbO3z8G8gyQ
-----END PRIVATE KEY-----
";

/// A 1024-bit RSA key, PKCS#8 (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024`).
const RSA_1024_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAMHTNApWH3mjtyCv
F8DgTxt1VryDgM4cAnzIueK1R4+ftmf3Nv2mRj2M2qPlV9GYTY8638HupVPoiZn9
8kjjR/Dekpk2IqB+V5imTLgShXsm+3PDkz3d1tmtnVuv5FWy7cqb+Mm+SM02gaBC
UYraHtLN1H2vZQoSwiCCA/VXvFqtAgMBAAECgYASVuKQq890mfoE3KxZsp+pkHOx
iJvSZLITjoaQHej0fP8sXSbV3zq8Liyt31Bs44VLLR3o4qTACLukV3PqU58F0E0x
VucardrIHGi7Y95MZPQqmf/oQOZ9qMbTeuKoHXWM1l+T2JOoT0/ob6sow6+0yw3R
AZgIIiD0gTGWjpWoYQJBAOWVkmwv9r9489f680aENrffmmM+ZmR6cQHrBenx8d0l
3UfTKuZCeh78JokJ8p532uWK/l7kdS7B046oTUqTonkCQQDYIFbAWg376MJ7I6nF
yLKmp0hMc/WJWSpnZLYPA2YZ1Iww/1dqr02kyPwS4cVx67ooK0ZzLdGx4RBhn3Rb
bIzVAkARBYzsnoXB3nrdyYpd8RGJgneU4hx/WKCmTsGKfdi718HXQG3O0qDxSSqm
QGmPnD1LhYmkiXWyuMYxroLEg7upAkEAkEmewRIeLeSqGh2oFTQ1GQ+rM+disEyI
A7j31rQVMP92jKubx8y7UF0h9NUnxTNz96dUhEa9rTytfA9BVlv09QJBAJPu5Op/
vEN6cVrg4/asVUVWjb7r9lqPTqyqlQFOJ/CxBPOr9Hqos6PuOpWX5gtKysYgpXdE
BUdnTSN3RqoGFWA=
-----END PRIVATE KEY-----
";

/// The public half of [`RSA_1024_PKCS8`] (`openssl pkey -pubout`).
const RSA_1024_SPKI: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDB0zQKVh95o7cgrxfA4E8bdVa8
g4DOHAJ8yLnitUePn7Zn9zb9pkY9jNqj5VfRmE2POt/B7qVT6ImZ/fJI40fw3pKZ
NiKgfleYpky4EoV7Jvtzw5M93dbZrZ1br+RVsu3Km/jJvkjNNoGgQlGK2h7SzdR9
r2UKEsIgggP1V7xarQIDAQAB
-----END PUBLIC KEY-----
";

/// 2024-01-01T00:00:00Z, the start of every test certificate.
const NOT_BEFORE: i64 = 1_704_067_200;
/// 2049-12-31T23:59:59Z, the end of every test certificate.
const NOT_AFTER: i64 = 2_524_607_999;

#[test]
fn certificate_serials_and_validity_windows() {
    // Proves that both test certificates give the serials of test_identity.json and the
    // 2024-01-01 – 2049-12-31 window, inclusive at both ends, with the right error outside it.
    let id = identity();
    for (file, serial) in [
        ("keys/apiclient_cert.pem", s(&id, "merchant_cert_serial")),
        ("keys/wechatpay_platform_cert.pem", s(&id, "platform_cert_serial")),
    ] {
        let cert = certificate(file, BACKEND);
        assert_eq!(cert.serial().as_str(), serial, "{file}");
        assert_eq!((cert.not_before(), cert.not_after()), (NOT_BEFORE, NOT_AFTER), "{file}");
        assert_eq!(cert.check_valid_at(NOT_BEFORE), Ok(()));
        assert_eq!(cert.check_valid_at(NOT_AFTER), Ok(()));
        assert_eq!(
            cert.check_valid_at(NOT_BEFORE - 1),
            Err(Error::CertificateNotYetValid {
                serial: serial.to_owned(),
                not_before: NOT_BEFORE,
                now: NOT_BEFORE - 1
            })
        );
        assert_eq!(
            cert.check_valid_at(NOT_AFTER + 1),
            Err(Error::CertificateExpired {
                serial: serial.to_owned(),
                not_after: NOT_AFTER,
                now: NOT_AFTER + 1
            })
        );
        assert!(!cert.is_valid_at(NOT_AFTER + 1));
        assert_eq!(cert.public_key().bits(), 2048);
    }
}

#[test]
fn certificate_and_private_key_belong_together() {
    // Proves that the merchant certificate's key, apiclient_pub.pem and the key derived from
    // apiclient_key.pem all verify what apiclient_key.pem signs, and the platform key does not.
    let key = merchant_key(BACKEND);
    assert_eq!(key.bits(), 2048);
    assert_eq!(key.backend().name, BACKEND.name);
    let message = b"certificate and key";
    let signature = key.sign(message).unwrap();
    let cert = certificate("keys/apiclient_cert.pem", BACKEND);
    assert!(cert.public_key().verify(message, &signature));
    assert!(merchant_public_key(BACKEND).verify(message, &signature));
    assert!(key.public_key().unwrap().verify(message, &signature));
    assert!(!certificate("keys/wechatpay_platform_cert.pem", BACKEND)
        .public_key()
        .verify(message, &signature));
}

#[test]
fn an_expired_certificate_is_not_trusted_for_verification() {
    // Proves that a response signed by a trusted certificate is refused once that certificate
    // has expired at the verifier's clock, and that remove_expired drops it.
    let cert = certificate("keys/wechatpay_platform_cert.pem", BACKEND);
    let serial = cert.serial().to_string();
    let mut verifier = wechatpay_crypto::Verifier::new();
    verifier.add_certificate(cert);
    let key = crate::support::private_key("keys/wechatpay_platform_key.pem", BACKEND);
    let (ts, nonce, body) = ((NOT_AFTER + 10).to_string(), "nonce", b"{}");
    let signature =
        key.sign_base64(&wechatpay_crypto::message::response_message(&ts, nonce, body)).unwrap();
    let headers = wechatpay_crypto::SignatureHeaders {
        timestamp: &ts,
        nonce,
        serial: &serial,
        signature: &signature,
        signature_type: None,
    };
    assert!(matches!(
        verifier.verify(&headers, body, NOT_AFTER + 10),
        Err(Error::CertificateExpired { .. })
    ));
    assert_eq!(verifier.verify(&headers, body, NOT_AFTER), Ok(()));
    verifier.remove_expired(NOT_AFTER + 10);
    assert!(verifier.is_empty());
}

#[test]
fn pkcs1_private_key_loads_and_signs_like_pkcs8() {
    // Proves that the same key as PKCS#1 `RSA PRIVATE KEY` (tests/data) loads and produces the
    // byte-identical signature of the PKCS#8 file on S01's message.
    let pkcs1_pem = test_data_text("apiclient_key_pkcs1.pem");
    assert!(pkcs1_pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let pkcs1 = PrivateKey::from_pem_with(&pkcs1_pem, BACKEND).unwrap();
    let pkcs8 = merchant_key(BACKEND);
    let message = request_message(
        "GET",
        "/v3/certificates",
        "1735689600",
        "cjOcGKOW6Dgg8xNXFii1Wh2vUe4jyaU1",
        b"",
    );
    let expected = "cXeHcD13b2akJLTkpgUL00vn4uYUSXjTpJwWTJ4S20n4gLqHQ7Mh3kWUDKeAUf5HExrkBeccVMv0sLQEJxxbNn0ZYIBYd4xgLjzRwE3YADA4UZbWOfMC6CekZC0o6GplwsOCVd+3Yz6XoV10+q2Pw2pE6dLHVJPM1bqx2BoHGhsBMwMLtOwGnraDQqJVBUw7ra0vjjiBd8bg0DjWhiAXOafWX7HUjgiQmg+dhbJ0LR3YtqNwiYHw0sg8UlMGnyEgk7iMKrz2JZqkrotaJdWX4GROObBxkF09pjq/yet0KnW3Ulutii4enz4DXT86FTAFOu7O1XmL9msgXlPw3WT1pg==";
    assert_eq!(pkcs8.sign_base64(&message).unwrap(), expected);
    assert_eq!(pkcs1.sign_base64(&message).unwrap(), expected);
}

#[test]
fn bad_key_and_certificate_inputs_name_what_is_wrong() {
    // Proves that each kind of wrong input gets its own error: not PEM, a certificate given as
    // a key (and the reverse), a password-protected key, an EC key, 1024-bit keys (private and
    // public), broken DER.
    let cert_pem = vector_text("keys/apiclient_cert.pem");
    let key_pem = vector_text("keys/apiclient_key.pem");
    let pub_pem = vector_text("keys/apiclient_pub.pem");

    assert!(matches!(PrivateKey::from_pem_with("hello", BACKEND), Err(Error::NotPem(_))));
    assert!(matches!(PrivateKey::from_pem_with("", BACKEND), Err(Error::NotPem(_))));
    assert!(matches!(Certificate::from_pem_with(b"\xff\xfe", BACKEND), Err(Error::NotPem(_))));
    assert!(matches!(
        PublicKey::from_pem_with("-----BEGIN PUBLIC KEY-----\n", BACKEND),
        Err(Error::NotPem(_))
    ));

    assert_eq!(
        PrivateKey::from_pem_with(&cert_pem, BACKEND).map(|k| k.bits()),
        Err(Error::UnexpectedPemLabel {
            found: "CERTIFICATE".into(),
            expected: "PRIVATE KEY or RSA PRIVATE KEY"
        })
    );
    assert_eq!(
        PrivateKey::from_pem_with(&pub_pem, BACKEND).map(|k| k.bits()),
        Err(Error::UnexpectedPemLabel {
            found: "PUBLIC KEY".into(),
            expected: "PRIVATE KEY or RSA PRIVATE KEY"
        })
    );
    assert_eq!(
        Certificate::from_pem_with(&key_pem, BACKEND).map(|c| c.not_after()),
        Err(Error::UnexpectedPemLabel { found: "PRIVATE KEY".into(), expected: "CERTIFICATE" })
    );
    assert_eq!(
        PublicKey::from_pem_with(&cert_pem, BACKEND).map(|k| k.bits()),
        Err(Error::UnexpectedPemLabel { found: "CERTIFICATE".into(), expected: "PUBLIC KEY" })
    );

    let encrypted = test_data_text("apiclient_key_encrypted.pem");
    assert_eq!(
        PrivateKey::from_pem_with(&encrypted, BACKEND).map(|k| k.bits()),
        Err(Error::EncryptedPrivateKey)
    );

    match PrivateKey::from_pem_with(EC_P256_PKCS8, BACKEND) {
        Err(Error::NotRsa(algorithm)) => assert!(algorithm.starts_with("EC"), "{algorithm}"),
        other => panic!("EC key: {other:?}"),
    }
    assert_eq!(
        PrivateKey::from_pem_with(RSA_1024_PKCS8, BACKEND).map(|k| k.bits()),
        Err(Error::KeyTooSmall { bits: 1024 })
    );
    assert_eq!(
        PublicKey::from_pem_with(RSA_1024_SPKI, BACKEND).map(|k| k.bits()),
        Err(Error::KeyTooSmall { bits: 1024 })
    );

    let broken = pem_with_label("PRIVATE KEY", b"\x30\x03\x02\x01\x00");
    assert!(matches!(PrivateKey::from_pem_with(&broken, BACKEND), Err(Error::Malformed { .. })));
    let broken = pem_with_label("RSA PRIVATE KEY", b"\x04\x01\x00");
    assert!(matches!(PrivateKey::from_pem_with(&broken, BACKEND), Err(Error::Malformed { .. })));
    let broken = pem_with_label("CERTIFICATE", b"\x30\x00");
    assert!(matches!(Certificate::from_pem_with(&broken, BACKEND), Err(Error::Malformed { .. })));
}

fn pem_with_label(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        wechatpay_crypto::base64::encode(der)
    )
}

#[test]
fn api_v3_key_must_be_32_bytes_and_public_key_ids_must_look_right() {
    // Proves that APIv3 keys of any length but 32 are refused with their length, and that a
    // WeChat Pay public key needs a `PUB_KEY_ID_…` id.
    for len in [0, 16, 31, 33, 64] {
        assert_eq!(
            ApiV3Key::with_backend(vec![b'k'; len], BACKEND).map(|_| ()),
            Err(Error::ApiV3KeyLength { len })
        );
    }
    assert!(ApiV3Key::with_backend([b'k'; 32], BACKEND).is_ok());

    let key = merchant_public_key(BACKEND);
    for bad in [
        "",
        "PUB_KEY_ID_",
        "5F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C",
        "pub_key_id_0119",
        "PUB_KEY_ID_01\"19",
    ] {
        assert_eq!(
            WechatPayPublicKey::new(bad, key.clone()).map(|k| k.id().to_string()),
            Err(Error::InvalidPublicKeyId(bad.to_owned()))
        );
    }
    let good = WechatPayPublicKey::new(s(&identity(), "wechatpay_public_key_id"), key).unwrap();
    assert_eq!(good.id().as_str(), "PUB_KEY_ID_0119000001002025010100000001");
}

#[test]
fn merchant_signer_refuses_fields_that_would_break_the_header() {
    // Proves that a quote or a newline in mchid, serial, method, url or nonce is refused rather
    // than signed into a header it would corrupt.
    let key = merchant_key(BACKEND);
    let serial = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
    assert_eq!(
        MerchantSigner::new("19000\"00100", serial, key.clone()).map(|_| ()),
        Err(Error::InvalidSignedField { field: "mchid" })
    );
    assert_eq!(
        MerchantSigner::new("1900000100", "3A2B\n", key).map(|_| ()),
        Err(Error::InvalidSignedField { field: "serial_no" })
    );
    let signer = merchant_signer(BACKEND);
    let at = |method: &str, url: &str, nonce: &str| {
        signer.authorize_at(method, url, b"", 1, nonce).map(|_| ())
    };
    assert_eq!(at("GET\n", "/v3", "n"), Err(Error::InvalidSignedField { field: "method" }));
    assert_eq!(at("GET", "/v3\r", "n"), Err(Error::InvalidSignedField { field: "url" }));
    assert_eq!(at("GET", "/v3", "n\""), Err(Error::InvalidSignedField { field: "nonce_str" }));
}

#[test]
fn debug_output_carries_no_key_material() {
    // Proves that Debug of PrivateKey, MerchantSigner and ApiV3Key shows neither the APIv3 key
    // nor any piece of the private key's base64.
    let api_v3 = s(&identity(), "apiv3_key").to_owned();
    let printed = [
        format!("{:?}", merchant_key(BACKEND)),
        format!("{:#?}", merchant_key(BACKEND)),
        format!("{:?}", merchant_signer(BACKEND)),
        format!("{:?}", ApiV3Key::with_backend(&api_v3, BACKEND).unwrap()),
    ];
    let key_pem = vector_text("keys/apiclient_key.pem");
    let chunks: Vec<&str> = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| [l.get(..16), l.get(24..40), l.get(48..64)])
        .flatten()
        .collect();
    assert!(chunks.len() > 60, "the key has about 26 lines of 64 characters");
    for text in &printed {
        assert!(!text.contains(&api_v3), "{text}");
        assert!(!text.contains("TestOnlyApiV3Key"), "{text}");
        for chunk in &chunks {
            assert!(!text.contains(chunk), "{text} contains {chunk}");
        }
    }
    assert!(printed[0].contains("2048"), "the size is shown: {}", printed[0]);
    assert!(printed[2].contains("1900000100"), "the mchid is shown: {}", printed[2]);
    assert_eq!(printed[3], "ApiV3Key(<redacted>)");
}
