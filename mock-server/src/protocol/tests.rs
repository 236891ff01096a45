//! Handler tests of the protocol layer through `app(state).oneshot(…)`: what passes, what
//! is refused with which code, and that every answer is signed and journaled.

use serde_json::json;
use wechatpay_crypto::message::request_message;
use wechatpay_crypto::{
    Certificate, EncryptionKey, MerchantSigner, PrivateKey, WechatPayPublicKey,
};

use crate::config::{KeyMode, MockConfig};
use crate::identity;
use crate::journal::{JournalFilter, Verification};
use crate::test_support::state as state_in;
use crate::test_support::{request, send, signed, signer, state_with, NOW};

fn sign_info(answer: &crate::test_support::Answer) -> serde_json::Value {
    answer.json()["detail"]["sign_information"].clone()
}

// Proves a correctly signed GET /v3/certificates passes and the answer is signed, with a
// certificate that decrypts under the APIv3 key to the platform certificate.
#[tokio::test]
async fn signed_request_passes_and_answer_verifies() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let a = send(&state, signed(&signer(&state, &clock), "GET", "/v3/certificates", b"")).await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    a.assert_signed(&state, NOW);
    let cert = &a.json()["data"][0];
    assert_eq!(cert["serial_no"], identity::PLATFORM_CERT_SERIAL);
    assert_eq!(cert["encrypt_certificate"]["associated_data"], "certificate");
    let nonce = cert["encrypt_certificate"]["nonce"].as_str().unwrap();
    assert_eq!(nonce.len(), 12);
    let key = state.tenants().default_tenant().apiv3_key();
    let pem = key
        .decrypt_to_string(
            nonce,
            "certificate",
            cert["encrypt_certificate"]["ciphertext"].as_str().unwrap(),
        )
        .unwrap();
    assert_eq!(
        Certificate::from_pem(&pem).unwrap().serial().as_str(),
        identity::PLATFORM_CERT_SERIAL
    );
    let journal = state.journal().list(&JournalFilter::default());
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].verification, Verification::Verified);
    assert_eq!(journal[0].mchid.as_deref(), Some(identity::SP_MCHID));
}

// Proves the Authorization parameters are accepted in another library's order.
#[tokio::test]
async fn authorization_parameters_in_any_order() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let a = signer(&state, &clock).authorize("GET", "/v3/certificates", b"").unwrap();
    let header = format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\", serial_no=\"{}\", timestamp=\"{}\", nonce_str=\"{}\", signature=\"{}\"",
        a.mchid, a.serial_no, a.timestamp, a.nonce_str, a.signature
    );
    let answer = send(&state, request("GET", "/v3/certificates", b"", Some(&header))).await;
    assert_eq!(answer.status, 200);
}

// Proves a signature made with the wrong private key is SIGN_ERROR, and the hint carries
// the exact canonical message the mock verified against.
#[tokio::test]
async fn wrong_key_is_sign_error_with_expected_message() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let wrong = MerchantSigner::new(
        identity::SP_MCHID,
        identity::MERCHANT_CERT_SERIAL,
        PrivateKey::from_pem(identity::PLATFORM_PRIVATE_KEY_PEM).unwrap(),
    )
    .unwrap()
    .with_clock(std::sync::Arc::new(clock.clone()));
    let auth = wrong.authorize("GET", "/v3/certificates?algorithm_type=RSA", b"").unwrap();
    let a = send(
        &state,
        request("GET", "/v3/certificates?algorithm_type=RSA", b"", Some(&auth.to_header_value())),
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["code"], "SIGN_ERROR");
    a.assert_signed(&state, NOW);
    let expected = request_message(
        "GET",
        "/v3/certificates?algorithm_type=RSA",
        &auth.timestamp,
        &auth.nonce_str,
        b"",
    );
    assert_eq!(sign_info(&a)["truncated_sign_message"], String::from_utf8(expected).unwrap());
    assert!(a.json()["detail"]["issue"].as_str().unwrap().contains("does not verify"));
}

// Proves a timestamp outside ±300 s of the tenant's clock is refused, and 300 s is still fine.
#[tokio::test]
async fn stale_timestamp_is_sign_error() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let s = signer(&state, &clock);
    let stale = s.authorize_at("GET", "/v3/certificates", b"", NOW - 301, "n1").unwrap();
    let a =
        send(&state, request("GET", "/v3/certificates", b"", Some(&stale.to_header_value()))).await;
    assert_eq!(a.status, 401);
    assert!(a.json()["detail"]["issue"].as_str().unwrap().contains("301 s old"), "{}", a.json());
    let edge = s.authorize_at("GET", "/v3/certificates", b"", NOW - 300, "n2").unwrap();
    assert_eq!(
        send(&state, request("GET", "/v3/certificates", b"", Some(&edge.to_header_value())))
            .await
            .status,
        200
    );
    let future = s.authorize_at("GET", "/v3/certificates", b"", NOW + 600, "n3").unwrap();
    assert_eq!(
        send(&state, request("GET", "/v3/certificates", b"", Some(&future.to_header_value())))
            .await
            .status,
        401
    );
}

// Proves a body changed after signing is refused, and the hint shows the body received.
#[tokio::test]
async fn tampered_body_is_sign_error() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let auth =
        signer(&state, &clock).authorize("POST", "/v3/security/echo", br#"{"a":1}"#).unwrap();
    let a = send(
        &state,
        request("POST", "/v3/security/echo", br#"{"a":2}"#, Some(&auth.to_header_value())),
    )
    .await;
    assert_eq!(a.status, 401);
    let expected = request_message(
        "POST",
        "/v3/security/echo",
        &auth.timestamp,
        &auth.nonce_str,
        br#"{"a":2}"#,
    );
    assert_eq!(sign_info(&a)["truncated_sign_message"], String::from_utf8(expected).unwrap());
}

// Proves an unknown mchid and an unknown certificate serial are SIGN_ERROR naming the culprit.
#[tokio::test]
async fn unknown_mchid_and_serial() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let key = PrivateKey::from_pem(identity::MERCHANT_PRIVATE_KEY_PEM).unwrap();
    let clock = std::sync::Arc::new(clock);
    let stranger = MerchantSigner::new("1999999999", identity::MERCHANT_CERT_SERIAL, key.clone())
        .unwrap()
        .with_clock(clock.clone());
    let a = send(&state, signed(&stranger, "GET", "/v3/certificates", b"")).await;
    assert_eq!(a.status, 401);
    assert!(a.json()["detail"]["issue"].as_str().unwrap().contains("mchid 1999999999"));
    let rotated =
        MerchantSigner::new(identity::SP_MCHID, "0123456789ABCDEF", key).unwrap().with_clock(clock);
    let a = send(&state, signed(&rotated, "GET", "/v3/certificates", b"")).await;
    assert_eq!(a.status, 401);
    assert!(a.json()["detail"]["issue"].as_str().unwrap().contains("serial_no 0123456789ABCDEF"));
    let failed = state
        .journal()
        .list(&JournalFilter { code: Some("SIGN_ERROR".into()), ..Default::default() });
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0].mchid.as_deref(), Some("1999999999"));
    assert!(
        matches!(&failed[1].verification, Verification::Failed { reason } if reason.contains("serial_no"))
    );
}

// Proves a request without Authorization is SIGN_ERROR whose hint shows the message to sign.
#[tokio::test]
async fn missing_authorization_shows_message_to_sign() {
    let (state, _) = state_in(KeyMode::Certificate);
    let a = send(&state, request("GET", "/v3/certificates", b"", None)).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["code"], "SIGN_ERROR");
    assert_eq!(
        sign_info(&a)["truncated_sign_message"],
        "GET\n/v3/certificates\n<timestamp>\n<nonce_str>\n\n"
    );
    let garbled = send(
        &state,
        request("GET", "/v3/certificates", b"", Some("WECHATPAY2-SHA256-RSA2048 mchid=1900000100")),
    )
    .await;
    assert_eq!(garbled.status, 401);
    assert!(garbled.json()["detail"]["issue"].as_str().unwrap().contains("not quoted"));
}

// Proves protocol headers are enforced before the signature: no User-Agent, a non-JSON Accept.
#[tokio::test]
async fn protocol_headers() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let mut r = signed(&signer(&state, &clock), "GET", "/v3/certificates", b"");
    r.headers_mut().remove("user-agent");
    let a = send(&state, r).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (400, Some("INVALID_REQUEST")));
    assert_eq!(a.json()["detail"]["field"], "User-Agent");
    let mut r = signed(&signer(&state, &clock), "GET", "/v3/certificates", b"");
    r.headers_mut().insert("accept", "text/html".parse().unwrap());
    let a = send(&state, r).await;
    assert_eq!(a.json()["detail"]["field"], "Accept");
}

// Proves a signed request to a path the mock does not serve gets a signed 404, and a wrong
// method a signed 405, both in the documented body shape.
#[tokio::test]
async fn unknown_path_and_method() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let s = signer(&state, &clock);
    let a = send(&state, signed(&s, "GET", "/v3/no/such/api", b"")).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.json()["code"], "RESOURCE_NOT_EXISTS");
    a.assert_signed(&state, NOW);
    let a = send(&state, signed(&s, "DELETE", "/v3/certificates", b"")).await;
    assert_eq!(a.status, 405);
    assert_eq!(a.json()["code"], "INVALID_REQUEST");
    a.assert_signed(&state, NOW);
}

// Proves a body over max_body_bytes is refused (400 INVALID_REQUEST) before verification,
// whether or not Content-Length announced it.
#[tokio::test]
async fn oversize_body() {
    let (state, clock) = state_with(MockConfig { max_body_bytes: 64, ..MockConfig::default() });
    let body = vec![b' '; 65];
    let a = send(&state, signed(&signer(&state, &clock), "POST", "/v3/security/echo", &body)).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["code"], "INVALID_REQUEST");
    assert!(a.json()["detail"]["issue"].as_str().unwrap().contains("64 bytes"));
    let mut r = signed(&signer(&state, &clock), "POST", "/v3/security/echo", &body);
    r.headers_mut().insert("content-length", "65".parse().unwrap());
    assert_eq!(send(&state, r).await.status, 400);
    let ok =
        send(&state, signed(&signer(&state, &clock), "POST", "/v3/security/echo", b"{}")).await;
    assert_eq!(ok.status, 200);
}

// Proves JSON endpoints refuse non-JSON (INVALID_REQUEST) and a wrong Content-Type.
#[tokio::test]
async fn non_json_body() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let s = signer(&state, &clock);
    let a = send(&state, signed(&s, "POST", "/v3/security/echo", b"name=x")).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (400, Some("INVALID_REQUEST")));
    let mut r = signed(&s, "POST", "/v3/security/echo", b"{}");
    r.headers_mut().insert("content-type", "text/plain".parse().unwrap());
    let a = send(&state, r).await;
    assert_eq!(a.json()["detail"]["field"], "Content-Type");
    let a = send(&state, signed(&s, "POST", "/v3/security/echo", b"[1]")).await;
    assert_eq!(a.json()["code"], "PARAM_ERROR");
}

fn echo_request(
    s: &MerchantSigner,
    body: &serde_json::Value,
    serial: Option<&str>,
) -> axum::http::Request<axum::body::Body> {
    let bytes = serde_json::to_vec(body).unwrap();
    let mut r = signed(s, "POST", "/v3/security/echo", &bytes);
    if let Some(serial) = serial {
        r.headers_mut().insert("wechatpay-serial", serial.parse().unwrap());
    }
    r
}

// Proves the echo decrypts sensitive fields with the key Wechatpay-Serial names, and
// refuses a missing serial, a serial of another mode and an undecryptable value by name.
#[tokio::test]
async fn echo_decrypts_sensitive_fields() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let s = signer(&state, &clock);
    let to_platform = EncryptionKey::from_certificate(
        &Certificate::from_pem(identity::PLATFORM_CERTIFICATE_PEM).unwrap(),
    );
    let body = json!({"contact": {"name": to_platform.encrypt("张三").unwrap()}, "sensitive": ["/contact/name"]});
    let a = send(&state, echo_request(&s, &body, Some(identity::PLATFORM_CERT_SERIAL))).await;
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["contact"]["name"], "张三");

    let a = send(&state, echo_request(&s, &body, None)).await;
    assert_eq!(a.json()["detail"]["field"], "Wechatpay-Serial");

    let a = send(&state, echo_request(&s, &body, Some(identity::PUBLIC_KEY_ID))).await;
    assert_eq!(a.json()["code"], "PARAM_ERROR");
    assert_eq!(a.json()["detail"]["value"], identity::PUBLIC_KEY_ID);

    let to_public = EncryptionKey::from_public_key(
        &WechatPayPublicKey::from_pem(identity::PUBLIC_KEY_ID, identity::PUBLIC_KEY_PEM).unwrap(),
    );
    let wrong = json!({"contact": {"name": to_public.encrypt("张三").unwrap()}, "sensitive": ["/contact/name"]});
    let a = send(&state, echo_request(&s, &wrong, Some(identity::PLATFORM_CERT_SERIAL))).await;
    assert_eq!(
        (a.json()["code"].as_str(), a.json()["detail"]["field"].as_str()),
        (Some("PARAM_ERROR"), Some("/contact/name"))
    );
}

// Proves the key modes: public-key answers an empty certificate list signed with the
// public key; mixed signs with the key the request's Wechatpay-Serial names, else the public key.
#[tokio::test]
async fn key_modes_sign_with_their_key() {
    let (state, clock) = state_in(KeyMode::PublicKey);
    let a = send(&state, signed(&signer(&state, &clock), "GET", "/v3/certificates", b"")).await;
    assert_eq!(a.json(), json!({"data": []}));
    assert_eq!(a.header("wechatpay-serial"), identity::PUBLIC_KEY_ID);
    a.assert_signed(&state, NOW);

    let (state, clock) = state_in(KeyMode::Mixed);
    let s = signer(&state, &clock);
    let a = send(&state, signed(&s, "GET", "/v3/certificates", b"")).await;
    assert_eq!(a.header("wechatpay-serial"), identity::PUBLIC_KEY_ID);
    assert_eq!(a.json()["data"].as_array().unwrap().len(), 1);
    a.assert_signed(&state, NOW);
    let mut r = signed(&s, "GET", "/v3/certificates", b"");
    r.headers_mut().insert("wechatpay-serial", identity::PLATFORM_CERT_SERIAL.parse().unwrap());
    let a = send(&state, r).await;
    assert_eq!(a.header("wechatpay-serial"), identity::PLATFORM_CERT_SERIAL);
    a.assert_signed(&state, NOW);
}

fn multipart(meta: &str) -> Vec<u8> {
    format!(
        "--B0undary\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{meta}\r\n--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--B0undary--\r\n"
    )
    .into_bytes()
}

// Proves a multipart upload is verified over its meta JSON only: signing the meta passes,
// signing the whole multipart body fails.
#[tokio::test]
async fn multipart_is_verified_over_meta() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let s = signer(&state, &clock);
    let meta = r#"{"filename":"a.png","sha256":"00"}"#;
    let body = multipart(meta);
    let upload = |auth: String| {
        let mut r = request("POST", "/v3/merchant/media/upload", &body, Some(&auth));
        r.headers_mut()
            .insert("content-type", "multipart/form-data; boundary=B0undary".parse().unwrap());
        r
    };
    let good = s
        .authorize("POST", "/v3/merchant/media/upload", meta.as_bytes())
        .unwrap()
        .to_header_value();
    let a = send(&state, upload(good)).await;
    // Verification passed: whatever the media area answers (it checks the meta against the
    // file), it is not a SIGN_ERROR.
    assert_ne!(a.status, 401, "{}", a.json());
    let bad = s.authorize("POST", "/v3/merchant/media/upload", &body).unwrap().to_header_value();
    assert_eq!(send(&state, upload(bad)).await.status, 401);
    let j = state.journal().list(&JournalFilter::default());
    assert_eq!(j[0].verification, Verification::Verified);
    assert!(matches!(j[1].verification, Verification::Failed { .. }));
}

fn with_headers(
    mut r: axum::http::Request<axum::body::Body>,
    extra: impl IntoIterator<Item = (String, String)>,
) -> axum::http::Request<axum::body::Body> {
    for (name, value) in extra {
        r.headers_mut().append(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            axum::http::HeaderValue::from_str(&value).unwrap(),
        );
    }
    r
}

fn issue(a: &crate::test_support::Answer) -> String {
    a.json()["detail"]["issue"].as_str().unwrap_or_default().to_owned()
}

// Proves a signed request with exactly MAX_REQUEST_HEADERS headers passes and one more header
// is 400 INVALID_REQUEST naming the count, before anything else is checked.
#[tokio::test]
async fn header_count_limit() {
    use super::verify::MAX_REQUEST_HEADERS;
    let (state, clock) = state_in(KeyMode::Certificate);
    let base = || signed(&signer(&state, &clock), "GET", "/v3/certificates", b"");
    let room = MAX_REQUEST_HEADERS - base().headers().len();
    let pad = |n: usize| (0..n).map(|i| (format!("x-pad-{i}"), "x".to_owned()));
    let at_limit = with_headers(base(), pad(room));
    assert_eq!(at_limit.headers().len(), MAX_REQUEST_HEADERS);
    assert_eq!(send(&state, at_limit).await.status, 200);
    let a = send(&state, with_headers(base(), pad(room + 1))).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (400, Some("INVALID_REQUEST")));
    assert!(issue(&a).contains("65 headers"), "{}", issue(&a));
}

// Proves header bytes (names and values) up to MAX_REQUEST_HEADER_BYTES pass and one byte more
// is 400 INVALID_REQUEST.
#[tokio::test]
async fn header_bytes_limit() {
    use super::verify::MAX_REQUEST_HEADER_BYTES;
    let (state, clock) = state_in(KeyMode::Certificate);
    let base = || signed(&signer(&state, &clock), "GET", "/v3/certificates", b"");
    let used: usize = base().headers().iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
    let room = MAX_REQUEST_HEADER_BYTES - used - "x-pad".len();
    let a = send(&state, with_headers(base(), [("x-pad".into(), "x".repeat(room))])).await;
    assert_eq!(a.status, 200);
    let a = send(&state, with_headers(base(), [("x-pad".into(), "x".repeat(room + 1))])).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (400, Some("INVALID_REQUEST")));
    assert!(issue(&a).contains("header bytes"), "{}", issue(&a));
}

// Proves a signature of 344 base64 characters is decoded and checked (SIGN_ERROR: does not
// verify) while 345 characters are refused before decoding, and a second Authorization header
// is refused instead of one of the two being picked.
#[tokio::test]
async fn signature_length_and_repeated_authorization() {
    let (state, clock) = state_in(KeyMode::Certificate);
    let auth = signer(&state, &clock).authorize("GET", "/v3/certificates", b"").unwrap();
    let with_sig = |sig: String| {
        let mut a = auth.clone();
        a.signature = sig;
        request("GET", "/v3/certificates", b"", Some(&a.to_header_value()))
    };
    let a = send(&state, with_sig(format!("{}==", "A".repeat(342)))).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (401, Some("SIGN_ERROR")));
    assert!(issue(&a).contains("does not verify"), "{}", issue(&a));
    let a = send(&state, with_sig("A".repeat(345))).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (401, Some("SIGN_ERROR")));
    assert!(issue(&a).contains("345 characters"), "{}", issue(&a));

    let good = signed(&signer(&state, &clock), "GET", "/v3/certificates", b"");
    let twice = with_headers(good, [("authorization".into(), auth.to_header_value())]);
    let a = send(&state, twice).await;
    assert_eq!((a.status.as_u16(), a.json()["code"].as_str()), (400, Some("INVALID_REQUEST")));
    assert!(issue(&a).contains("more than once"), "{}", issue(&a));
}
