//! The request path as the server sees it: signed bytes equal sent bytes, headers, sensitive
//! field encryption, 204, uploads, the low-level builder.

mod support;

use bytes::Bytes;
use serde::Deserialize;
use support::*;
use wechatpay_transport::http::Method;
use wechatpay_transport::{
    path, BuildContext, BuildError, KeyMode, Multipart, Operation, RequestSpec,
};
use wiremock::matchers::{method, path as wpath, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Order {
    out_trade_no: String,
}

struct QueryOrder {
    id: String,
}

impl Operation for QueryOrder {
    type Output = Order;
    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        Ok(RequestSpec::get(path!["v3/pay/partner/transactions/out-trade-no", &self.id])
            .query("sp_mchid", MCHID)
            .query("note", "a b+c/深圳"))
    }
}

struct SubmitApplyment;

impl Operation for SubmitApplyment {
    type Output = serde_json::Value;
    fn build(&self, ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        let body = serde_json::json!({
            "out_request_no": "APPLYMENT_00000000001",
            "id_card_name": ctx.encrypt("张三")?,
            "mobile_phone": ctx.encrypt("13800000000")?,
        });
        RequestSpec::post("/v3/ecommerce/applyments/").json(&body)
    }
}

// Proves a GET with an escaped path segment and an encoded query reaches the server signed
// over exactly the target it received, with Accept and User-Agent, and no Wechatpay-Serial
// in certificate mode without encrypted fields.
#[tokio::test]
async fn get_is_signed_over_the_exact_target() {
    let server = MockServer::start().await;
    let check = CheckRequest::new(ResponseSigner::platform(), 200, r#"{"out_trade_no":"P 1/2"}"#);
    Mock::given(method("GET")).respond_with(check.clone()).expect(1).mount(&server).await;
    let transport = builder(&server.uri())
        .key_mode(KeyMode::PlatformCertificates)
        .platform_certificate(platform_certificate())
        .build()
        .unwrap();

    let order = transport.execute(&QueryOrder { id: "P 1/2".into() }).await.unwrap();
    assert_eq!(order, Order { out_trade_no: "P 1/2".into() });

    let seen = check.seen();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(
        s.target,
        "/v3/pay/partner/transactions/out-trade-no/P%201%2F2?sp_mchid=1900000100&note=a%20b%2Bc%2F%E6%B7%B1%E5%9C%B3"
    );
    assert!(s.signature_valid, "{:?}", s.authorization);
    let auth = s.authorization.as_ref().unwrap();
    assert_eq!(auth.mchid, MCHID);
    assert_eq!(auth.serial_no, MERCHANT_SERIAL);
    assert_eq!(s.accept.as_deref(), Some("application/json"));
    let ua = s.user_agent.as_deref().unwrap();
    assert!(
        ua.starts_with("wechatpay-rs/")
            && ua.contains(&format!("({}/{})", std::env::consts::OS, std::env::consts::ARCH)),
        "{ua}"
    );
    assert_eq!(s.wechatpay_serial, None);
    assert!(s.body.is_empty());
}

// Proves a POST with encrypted fields sends the platform serial as Wechatpay-Serial, signs
// the JSON bytes exactly as sent, and the ciphertexts decrypt with the platform key.
#[tokio::test]
async fn encrypted_fields_send_wechatpay_serial() {
    let server = MockServer::start().await;
    let check =
        CheckRequest::new(ResponseSigner::platform(), 200, r#"{"applyment_id":2000002124775691}"#);
    Mock::given(method("POST"))
        .and(wpath("/v3/ecommerce/applyments/"))
        .respond_with(check.clone())
        .mount(&server)
        .await;
    let transport = builder(&server.uri())
        .key_mode(KeyMode::PlatformCertificates)
        .platform_certificate(platform_certificate())
        .build()
        .unwrap();

    let answer = transport.execute(&SubmitApplyment).await.unwrap();
    assert_eq!(answer["applyment_id"], 2000002124775691u64);

    let s = &check.seen()[0];
    assert!(s.signature_valid);
    assert_eq!(s.wechatpay_serial.as_deref(), Some(PLATFORM_SERIAL));
    assert_eq!(s.content_type.as_deref(), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&s.body).unwrap();
    let name = platform_key().decrypt_field(body["id_card_name"].as_str().unwrap()).unwrap();
    assert_eq!(name.as_str(), "张三");
    let phone = platform_key().decrypt_field(body["mobile_phone"].as_str().unwrap()).unwrap();
    assert_eq!(phone.as_str(), "13800000000");
}

// Proves public-key mode always announces the public key id and encrypts to the public key.
#[tokio::test]
async fn public_key_mode_always_sends_the_key_id() {
    let server = MockServer::start().await;
    let check = CheckRequest::new(ResponseSigner::public_key(), 200, "{}");
    Mock::given(wiremock::matchers::any()).respond_with(check.clone()).mount(&server).await;
    let transport = builder(&server.uri()).build().unwrap();

    transport.request(Method::GET, "/v3/x").send().await.unwrap();
    transport.execute(&SubmitApplyment).await.unwrap();

    let seen = check.seen();
    assert_eq!(seen[0].wechatpay_serial.as_deref(), Some(PUB_KEY_ID));
    assert_eq!(seen[1].wechatpay_serial.as_deref(), Some(PUB_KEY_ID));
    let body: serde_json::Value = serde_json::from_slice(&seen[1].body).unwrap();
    let name = public_key_private().decrypt_field(body["id_card_name"].as_str().unwrap()).unwrap();
    assert_eq!(name.as_str(), "张三");
}

// Proves a signed 204 with an empty body is a success that decodes as `()`.
#[tokio::test]
async fn no_content_is_success() {
    struct Close;
    impl Operation for Close {
        type Output = ();
        fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
            RequestSpec::post("/v3/combine-transactions/out-trade-no/P1/close")
                .json(&serde_json::json!({"combine_appid": "wx1"}))
        }
    }
    let server = MockServer::start().await;
    let check = CheckRequest::new(ResponseSigner::public_key(), 204, "");
    Mock::given(method("POST")).respond_with(check.clone()).expect(1).mount(&server).await;
    let transport = builder(&server.uri()).build().unwrap();
    transport.execute(&Close).await.unwrap();
    assert!(check.seen()[0].signature_valid);
}

// Proves a multipart upload has the meta part then the file part with the boundary from the
// Content-Type, and its signature covers exactly the meta JSON of the media vector.
#[tokio::test]
async fn multipart_upload_signs_the_meta() {
    let server = MockServer::start().await;
    let check =
        CheckRequest::new(ResponseSigner::public_key(), 200, r#"{"media_id":"H1ihR9JUtVj"}"#);
    Mock::given(method("POST"))
        .and(wpath("/v3/merchant/media/upload"))
        .respond_with(check.clone())
        .mount(&server)
        .await;
    let transport = builder(&server.uri()).build().unwrap();

    let png = fixture_bytes("media/sample.png");
    let upload = Multipart::new("sample.png", Bytes::from(png.clone())).unwrap();
    let answer: serde_json::Value = transport
        .request(Method::POST, "/v3/merchant/media/upload")
        .multipart(upload)
        .send_json()
        .await
        .unwrap();
    assert_eq!(answer["media_id"], "H1ihR9JUtVj");

    let s = &check.seen()[0];
    assert!(s.signature_valid, "signature must cover the meta JSON only");
    let vector: serde_json::Value =
        serde_json::from_str(&fixture("media_upload_vector.json")).unwrap();
    assert_eq!(s.signed_body, vector["meta_json"].as_str().unwrap().as_bytes());
    let ct = s.content_type.as_deref().unwrap();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
    let body = &s.body;
    assert!(body.starts_with(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"").as_bytes()
    ));
    assert!(body.ends_with(format!("\r\n--{boundary}--\r\n").as_bytes()));
    let file_header = b"Content-Disposition: form-data; name=\"file\"; filename=\"sample.png\"\r\nContent-Type: image/png\r\n\r\n";
    let at =
        body.windows(file_header.len()).position(|w| w == file_header).unwrap() + file_header.len();
    assert_eq!(&body[at..at + png.len()], png.as_slice());
}

// Proves the low-level builder signs like typed calls: query encoded once, JSON bytes as
// given, sensitive fields through json_with, and decodes the verified answer.
#[tokio::test]
async fn low_level_builder() {
    let server = MockServer::start().await;
    let check = CheckRequest::new(ResponseSigner::public_key(), 200, r#"{"ok":true}"#);
    Mock::given(method("POST"))
        .and(wpath("/v3/test-only/echo"))
        .and(query_param("city", "深圳"))
        .respond_with(check.clone())
        .mount(&server)
        .await;
    let transport = builder(&server.uri()).build().unwrap();

    let raw = transport
        .request(Method::POST, "/v3/test-only/echo")
        .query("city", "深圳")
        .json_with(|ctx| Ok(serde_json::json!({ "name": ctx.encrypt("李四")? })))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(raw.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(raw.json::<serde_json::Value>().unwrap()["ok"], true);

    let value = serde_json::json!({"k": "v"});
    let answer: serde_json::Value = transport
        .request(Method::POST, "/v3/test-only/echo")
        .query("city", "深圳")
        .json(&value)
        .unwrap()
        .send_json()
        .await
        .unwrap();
    assert_eq!(answer["ok"], true);

    let seen = check.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| s.signature_valid));
    assert_eq!(seen[0].target, "/v3/test-only/echo?city=%E6%B7%B1%E5%9C%B3");
    assert_eq!(seen[1].body, br#"{"k":"v"}"#);
}

// Proves an invalid raw path is refused before anything is sent.
#[tokio::test]
async fn invalid_path_is_a_build_error() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let transport = builder(&server.uri()).build().unwrap();
    let err = transport.request(Method::GET, "/v3/a b").send().await.unwrap_err();
    assert!(
        matches!(err, wechatpay_transport::Error::Build(BuildError::InvalidPath { .. })),
        "{err:?}"
    );
}

// Proves decrypt_field opens a value encrypted to the merchant key (rsa_oaep vectors).
#[tokio::test]
async fn decrypt_field_uses_the_merchant_key() {
    let server = MockServer::start().await;
    let transport = builder(&server.uri()).build().unwrap();
    let ciphertext = wechatpay_crypto::base64::encode(
        merchant_public_key().encrypt_oaep("6222021234567890".as_bytes()).unwrap(),
    );
    assert_eq!(transport.decrypt_field(&ciphertext).unwrap().as_str(), "6222021234567890");
    let err = transport.decrypt_field("bm90IGNpcGhlcnRleHQ=").unwrap_err();
    assert!(matches!(err, wechatpay_transport::Error::Decode(_)), "{err:?}");
}

// Proves a user-supplied HttpClient receives the final absolute request (signed) and its
// answer goes through the same verification.
#[tokio::test]
async fn custom_http_client_is_used() {
    use std::sync::{Arc, Mutex};
    use wechatpay_transport::{BoxFuture, HttpClient, HttpError, ResponseBody};

    #[derive(Debug, Default)]
    struct State {
        uris: Mutex<Vec<String>>,
        forge: bool,
    }
    #[derive(Debug, Clone, Default)]
    struct InMemory(Arc<State>);
    impl HttpClient for InMemory {
        fn send(
            &self,
            request: wechatpay_transport::http::Request<Bytes>,
        ) -> BoxFuture<'_, Result<wechatpay_transport::http::Response<ResponseBody>, HttpError>>
        {
            Box::pin(async move {
                self.0.uris.lock().unwrap().push(request.uri().to_string());
                assert!(request.headers().contains_key("authorization"));
                let body = r#"{"from":"memory"}"#;
                let ts = now().to_string();
                let nonce = "n0nce";
                let key = if self.0.forge { merchant_key() } else { public_key_private() };
                let sig = key
                    .sign_base64(&wechatpay_crypto::message::response_message(
                        &ts,
                        nonce,
                        body.as_bytes(),
                    ))
                    .unwrap();
                let response = wechatpay_transport::http::Response::builder()
                    .status(200)
                    .header("Wechatpay-Timestamp", ts)
                    .header("Wechatpay-Nonce", nonce)
                    .header("Wechatpay-Serial", PUB_KEY_ID)
                    .header("Wechatpay-Signature", sig)
                    .body(ResponseBody::from_bytes(body))
                    .unwrap();
                Ok(response)
            })
        }
    }

    let client = InMemory::default();
    let transport =
        builder("https://api.mch.weixin.qq.com").http_client(client.clone()).build().unwrap();
    let v: serde_json::Value =
        transport.request(Method::GET, "/v3/x").query("a", "1").send_json().await.unwrap();
    assert_eq!(v["from"], "memory");
    assert_eq!(
        client.0.uris.lock().unwrap().as_slice(),
        ["https://api.mch.weixin.qq.com/v3/x?a=1"]
    );

    let forged = InMemory(Arc::new(State { forge: true, ..State::default() }));
    let transport = builder("https://api.mch.weixin.qq.com").http_client(forged).build().unwrap();
    let err = transport.request(Method::GET, "/v3/x").send().await.unwrap_err();
    assert!(matches!(err, wechatpay_transport::Error::Verify(_)), "{err:?}");
}
