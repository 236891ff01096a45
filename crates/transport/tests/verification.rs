//! Responses are verified before they are parsed: forged, stale or tampered answers never
//! reach the caller; error answers are reported with what WeChat Pay said.

mod support;

use support::*;
use wechatpay_transport::http::{Method, StatusCode};
use wechatpay_transport::{Error, KeyMode, RetryPolicy, VerifyError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server_with(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/v3/x")).respond_with(template).mount(&server).await;
    server
}

async fn get(server: &MockServer) -> Result<serde_json::Value, Error> {
    let transport = builder(&server.uri()).retry(RetryPolicy::none()).build().unwrap();
    transport.request(Method::GET, "/v3/x").send_json().await
}

// Proves a 2xx without signature headers is a Verify error, not data.
#[tokio::test]
async fn missing_signature_is_rejected() {
    let server = server_with(
        ResponseTemplate::new(200).set_body_raw(r#"{"paid":true}"#, "application/json"),
    )
    .await;
    let err = get(&server).await.unwrap_err();
    assert!(
        matches!(err, Error::Verify(VerifyError::MissingSignature { status: StatusCode::OK, .. })),
        "{err:?}"
    );
}

// Proves a 2xx missing only one signature header names that header.
#[tokio::test]
async fn partial_signature_headers_are_rejected() {
    let body = r#"{"paid":true}"#;
    let mut t = ResponseSigner::public_key().template(200, body);
    t = t.insert_header("Wechatpay-Nonce", "");
    let server = server_with(t).await;
    // An empty nonce is still a header; a signature over another nonce fails instead.
    let err = get(&server).await.unwrap_err();
    assert!(matches!(err, Error::Verify(VerifyError::InvalidSignature { .. })), "{err:?}");

    let server = MockServer::start().await;
    let ts = now().to_string();
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Wechatpay-Timestamp", ts.as_str())
                .insert_header("Wechatpay-Serial", PUB_KEY_ID)
                .insert_header("Wechatpay-Signature", "AAAA")
                .set_body_raw(body, "application/json"),
        )
        .mount(&server)
        .await;
    let err = get(&server).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Verify(VerifyError::MissingSignature { missing: "Wechatpay-Nonce", .. })
        ),
        "{err:?}"
    );
}

// Proves a signature by a key other than the announced one is rejected.
#[tokio::test]
async fn wrong_signature_is_rejected() {
    // Signed by the merchant key while claiming the WeChat Pay public key id (vector R11/R12).
    let t = ResponseSigner::custom(merchant_key(), PUB_KEY_ID).template(200, r#"{"paid":true}"#);
    let err = get(&server_with(t).await).await.unwrap_err();
    let Error::Verify(VerifyError::InvalidSignature { source, serial, .. }) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*source, wechatpay_crypto::Error::BadSignature);
    assert_eq!(serial, PUB_KEY_ID);
}

// Proves a correctly signed but stale answer (a replay older than 300 s) is rejected.
#[tokio::test]
async fn stale_signature_is_rejected() {
    let body = r#"{"paid":true}"#;
    let t = ResponseSigner::public_key().template_over(
        200,
        body.as_bytes(),
        body.as_bytes(),
        now() - 301,
    );
    let err = get(&server_with(t).await).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Verify(VerifyError::InvalidSignature {
                source: wechatpay_crypto::Error::TimestampExpired { .. },
                ..
            })
        ),
        "{err:?}"
    );
}

// Proves a body changed after signing is rejected (the signature covers the raw bytes).
#[tokio::test]
async fn tampered_body_is_rejected() {
    let t = ResponseSigner::public_key().template_over(
        200,
        br#"{"amount":100000}"#,
        br#"{"amount":1}"#,
        now(),
    );
    let err = get(&server_with(t).await).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Verify(VerifyError::InvalidSignature {
                source: wechatpay_crypto::Error::BadSignature,
                ..
            })
        ),
        "{err:?}"
    );
}

// Proves a signed response with a serial nobody trusts, in public-key mode, is rejected
// without any download.
#[tokio::test]
async fn unknown_serial_in_public_key_mode_is_rejected() {
    let t = ResponseSigner::custom(platform_key(), PLATFORM_SERIAL).template(200, "{}");
    let server = server_with(t).await;
    Mock::given(method("GET"))
        .and(path("/v3/certificates"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let err = get(&server).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Verify(VerifyError::InvalidSignature {
                source: wechatpay_crypto::Error::UnknownSerial(_),
                ..
            })
        ),
        "{err:?}"
    );
}

// Proves a signed 401 SIGN_ERROR is an Api error with code, message, status, request id,
// flagged verified.
#[tokio::test]
async fn sign_error_is_a_verified_api_error() {
    let body =
        r#"{"code":"SIGN_ERROR","message":"签名错误","detail":{"location":"authorization"}}"#;
    let err = get(&server_with(ResponseSigner::public_key().template(401, body)).await)
        .await
        .unwrap_err();
    assert!(err.is_code("SIGN_ERROR"), "{err:?}");
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    let api = err.api_error().unwrap();
    assert!(api.is_verified());
    assert_eq!(api.message(), Some("签名错误"));
    assert_eq!(api.detail().and_then(|d| d.location.as_deref()), Some("authorization"));
    assert_eq!(api.raw_body().as_ref(), body.as_bytes());
}

// Proves an unsigned error answer is reported as an Api error flagged unverified.
#[tokio::test]
async fn unsigned_error_is_flagged_unverified() {
    let body = r#"{"code":"ORDER_NOT_EXIST","message":"订单不存在"}"#;
    let t = ResponseTemplate::new(404)
        .insert_header("Request-ID", "RID-1")
        .set_body_raw(body, "application/json");
    let err = get(&server_with(t).await).await.unwrap_err();
    assert!(err.is_code("ORDER_NOT_EXIST"));
    assert!(!err.api_error().unwrap().is_verified());
    assert_eq!(err.request_id(), Some("RID-1"));
}

// Proves an error answer that carries a forged signature is a Verify error, not an Api error.
#[tokio::test]
async fn forged_signed_error_is_rejected() {
    let t = ResponseSigner::custom(merchant_key(), PUB_KEY_ID)
        .template(404, r#"{"code":"ORDER_NOT_EXIST","message":"x"}"#);
    let err = get(&server_with(t).await).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Verify(VerifyError::InvalidSignature { status: StatusCode::NOT_FOUND, .. })
        ),
        "{err:?}"
    );
}

// Proves a gateway's HTML 502 is an Api error without a code that keeps the raw body.
#[tokio::test]
async fn html_502_keeps_the_raw_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let err = get(&server_with(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await)
        .await
        .unwrap_err();
    let api = err.api_error().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(api.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(api.code(), None);
    assert_eq!(api.raw_body().as_ref(), html.as_bytes());
    assert!(!api.is_verified());
}

// Proves a verified 2xx that does not fit the expected type is a Decode error with the body.
#[tokio::test]
async fn undecodable_success_is_a_decode_error() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // only decoding matters here
    struct Order {
        out_trade_no: String,
    }
    let server =
        server_with(ResponseSigner::public_key().template(200, r#"{"unexpected":1}"#)).await;
    let transport = builder(&server.uri()).build().unwrap();
    let err = transport.request(Method::GET, "/v3/x").send_json::<Order>().await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!(d.body().as_ref(), br#"{"unexpected":1}"#);
    assert_eq!(d.request_id(), Some(REQUEST_ID));
    assert!(d.target().contains("Order"));
}

// Proves an endpoint marked unsigned accepts an unsigned 2xx (bill files), and a signed
// one is accepted too.
#[tokio::test]
async fn unsigned_endpoint_accepts_unsigned_success() {
    let server =
        server_with(ResponseTemplate::new(200).set_body_raw("a,b,c\n", "text/plain")).await;
    let transport = builder(&server.uri()).build().unwrap();
    let raw = transport.request(Method::GET, "/v3/x").unsigned_response().send().await.unwrap();
    assert_eq!(raw.body.as_ref(), b"a,b,c\n");
}

// Proves the key store verifies callbacks (VerifySignature) against its current keys.
#[tokio::test]
async fn key_store_verifies_callbacks() {
    use wechatpay_crypto::{SignatureHeaders, VerifySignature};
    let server = MockServer::start().await;
    let transport = builder(&server.uri())
        .key_mode(KeyMode::Mixed(wechatpay_public_key()))
        .platform_certificate(platform_certificate())
        .build()
        .unwrap();
    let vectors: serde_json::Value = serde_json::from_str(&fixture("notify_vectors.json")).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let h = &case["headers"];
        let headers = SignatureHeaders {
            timestamp: h["Wechatpay-Timestamp"].as_str().unwrap(),
            nonce: h["Wechatpay-Nonce"].as_str().unwrap(),
            serial: h["Wechatpay-Serial"].as_str().unwrap(),
            signature: h["Wechatpay-Signature"].as_str().unwrap(),
            signature_type: h["Wechatpay-Signature-Type"].as_str(),
        };
        let body = case["body"].as_str().unwrap();
        let at: i64 = headers.timestamp.parse().unwrap();
        transport.key_store().verify_signature(&headers, body.as_bytes(), at).unwrap();
        assert!(transport
            .key_store()
            .verify_signature(&headers, format!("{body} ").as_bytes(), at)
            .is_err());
    }
}
