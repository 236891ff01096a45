//! The mock over real HTTP on loopback: `MockServer::start()` and a plain hyper client that
//! signs with `MerchantSigner` and verifies with what the mock's identity publishes.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use wechatpay_crypto::{
    Clock, EncryptionKey, MerchantSigner, PrivateKey, SignatureHeaders, SystemClock,
    WechatPayPublicKey,
};
use wechatpay_mock::config::KeyMode;
use wechatpay_mock::{identity, MockServer};

struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap().to_str().unwrap()
    }

    /// Verifies the answer's signature with what the mock's identity publishes.
    fn verify(&self, mock: &MockServer) {
        let verifier = mock.identity().verifier().unwrap();
        let h = SignatureHeaders {
            timestamp: self.header("wechatpay-timestamp"),
            nonce: self.header("wechatpay-nonce"),
            serial: self.header("wechatpay-serial"),
            signature: self.header("wechatpay-signature"),
            signature_type: Some(self.header("wechatpay-signature-type")),
        };
        verifier.verify(&h, &self.body, SystemClock.now_unix()).unwrap();
    }
}

async fn call(
    mock: &MockServer,
    method: &str,
    path: &str,
    body: &[u8],
    authorization: &str,
    serial: Option<&str>,
) -> Answer {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut b = http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", mock.base_url()))
        .header("user-agent", "wechatpay-mock-loopback-test/1")
        .header("accept", "application/json")
        .header("authorization", authorization);
    if !body.is_empty() {
        b = b.header("content-type", "application/json");
    }
    if let Some(s) = serial {
        b = b.header("wechatpay-serial", s);
    }
    let response =
        client.request(b.body(Full::new(Bytes::copy_from_slice(body))).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body }
}

async fn signed_call(
    mock: &MockServer,
    method: &str,
    path: &str,
    body: &[u8],
    serial: Option<&str>,
) -> Answer {
    let signer = mock.identity().merchant_signer().unwrap();
    let auth = signer.authorize(method, path, body).unwrap().to_header_value();
    call(mock, method, path, body, &auth, serial).await
}

// Proves certificate download works and verifies in each key mode: certificate mode serves the
// platform certificate (decrypting to the published PEM), public-key mode an empty list, mixed both keys.
#[tokio::test]
async fn certificate_download_in_every_key_mode() {
    for mode in [KeyMode::Certificate, KeyMode::PublicKey, KeyMode::Mixed] {
        let mock = MockServer::builder().key_mode(mode).start().await.unwrap();
        let a = signed_call(&mock, "GET", "/v3/certificates", b"", None).await;
        assert_eq!(a.status, 200, "{mode:?}: {:?}", a.body);
        a.verify(&mock);
        let data = a.json()["data"].as_array().unwrap().clone();
        let id = mock.identity();
        match mode {
            KeyMode::PublicKey => {
                assert!(data.is_empty());
                assert_eq!(a.header("wechatpay-serial"), identity::PUBLIC_KEY_ID);
            }
            KeyMode::Certificate | KeyMode::Mixed => {
                assert_eq!(data.len(), 1);
                let enc = &data[0]["encrypt_certificate"];
                let pem = id
                    .api_v3_key()
                    .unwrap()
                    .decrypt_to_string(
                        enc["nonce"].as_str().unwrap(),
                        "certificate",
                        enc["ciphertext"].as_str().unwrap(),
                    )
                    .unwrap();
                assert_eq!(Some(pem), id.platform_certificate_pem.clone());
                let expected = if mode == KeyMode::Mixed {
                    identity::PUBLIC_KEY_ID
                } else {
                    identity::PLATFORM_CERT_SERIAL
                };
                assert_eq!(a.header("wechatpay-serial"), expected);
            }
        }
        mock.shutdown().await.unwrap();
    }
}

// Proves a wrong key, a stale timestamp and a tampered body each get a signed 401 SIGN_ERROR over HTTP.
#[tokio::test]
async fn sign_errors_over_http() {
    let mock = MockServer::start().await;
    let id = mock.identity();
    let wrong_key = PrivateKey::from_pem(identity::PUBLIC_KEY_PRIVATE_PEM).unwrap();
    let impostor =
        MerchantSigner::new(id.mchid.clone(), id.merchant_serial.as_str(), wrong_key).unwrap();
    let auth = impostor.authorize("GET", "/v3/certificates", b"").unwrap().to_header_value();
    let a = call(&mock, "GET", "/v3/certificates", b"", &auth, None).await;
    assert_eq!((a.status, a.json()["code"].clone()), (401, json!("SIGN_ERROR")));
    a.verify(&mock);

    let signer = id.merchant_signer().unwrap();
    let stale = signer
        .authorize_at("GET", "/v3/certificates", b"", SystemClock.now_unix() - 600, "stale-nonce")
        .unwrap();
    let a = call(&mock, "GET", "/v3/certificates", b"", &stale.to_header_value(), None).await;
    assert_eq!(a.status, 401);
    assert!(a.json()["detail"]["issue"].as_str().unwrap().contains("old"));

    let auth = signer
        .authorize("POST", "/v3/security/echo", br#"{"amount":1}"#)
        .unwrap()
        .to_header_value();
    let a = call(&mock, "POST", "/v3/security/echo", br#"{"amount":100}"#, &auth, None).await;
    assert_eq!(a.status, 401);
    assert!(a.json()["detail"]["sign_information"]["truncated_sign_message"]
        .as_str()
        .unwrap()
        .ends_with("{\"amount\":100}\n"));
    a.verify(&mock);
}

// Proves a public-key tenant decrypts a field encrypted to its public key, end to end.
#[tokio::test]
async fn echo_decrypts_in_public_key_mode() {
    let mock = MockServer::builder().key_mode(KeyMode::PublicKey).start().await.unwrap();
    let id = mock.identity();
    let key = WechatPayPublicKey::from_pem(
        id.public_key_id.clone().unwrap(),
        id.public_key_pem.clone().unwrap(),
    )
    .unwrap();
    let body = json!({"account_no": EncryptionKey::from_public_key(&key).encrypt("6222000011112222").unwrap(), "sensitive": ["/account_no"]});
    let bytes = serde_json::to_vec(&body).unwrap();
    let a = signed_call(&mock, "POST", "/v3/security/echo", &bytes, Some(identity::PUBLIC_KEY_ID))
        .await;
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["account_no"], "6222000011112222");
    a.verify(&mock);
}

// Proves shutdown stops the listener and the journal saw what was served before.
#[tokio::test]
async fn shutdown_stops_listening() {
    let mock = MockServer::start().await;
    let addr = mock.addr();
    let a = signed_call(&mock, "GET", "/v3/certificates", b"", None).await;
    assert_eq!(a.status, 200);
    assert_eq!(mock.state().journal().len(), 1);
    mock.shutdown().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
