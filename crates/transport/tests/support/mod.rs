//! Test support: fixture keys, canned WeChat Pay responses signed with the test platform key
//! or public key, and a wiremock responder that checks the request's Authorization over the
//! exact bytes the server received.

// Each test binary uses a different part of this module.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wechatpay_crypto::{
    message, ApiV3Key, Authorization, Certificate, Clock, FixedClock, PrivateKey, PublicKey,
    SystemClock, WechatPayPublicKey,
};
use wechatpay_transport::{KeyMode, RetryPolicy, TransportBuilder};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

pub const MCHID: &str = "1900000100";
pub const MERCHANT_SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
pub const PLATFORM_SERIAL: &str = "5F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C";
pub const PUB_KEY_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";
pub const API_V3_KEY: &str = "TestOnlyApiV3Key0123456789abcdef";
pub const REQUEST_ID: &str = "08F78BB5AF0610D302189F0BA2B8F4D9012A0000";

pub fn fixture(rel: &str) -> String {
    let p: PathBuf =
        [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures", "vectors", rel].iter().collect();
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn fixture_bytes(rel: &str) -> Vec<u8> {
    let p: PathBuf =
        [env!("CARGO_MANIFEST_DIR"), "..", "..", "fixtures", "vectors", rel].iter().collect();
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn merchant_key() -> PrivateKey {
    PrivateKey::from_pem(fixture("keys/apiclient_key.pem")).unwrap()
}

pub fn merchant_public_key() -> PublicKey {
    PublicKey::from_pem(fixture("keys/apiclient_pub.pem")).unwrap()
}

pub fn platform_key() -> PrivateKey {
    PrivateKey::from_pem(fixture("keys/wechatpay_platform_key.pem")).unwrap()
}

pub fn platform_certificate() -> Certificate {
    Certificate::from_pem(fixture("keys/wechatpay_platform_cert.pem")).unwrap()
}

pub fn wechatpay_public_key() -> WechatPayPublicKey {
    WechatPayPublicKey::from_pem(PUB_KEY_ID, fixture("keys/pub_key.pem")).unwrap()
}

pub fn public_key_private() -> PrivateKey {
    PrivateKey::from_pem(fixture("keys/pub_key_private.pem")).unwrap()
}

pub fn api_v3_key() -> ApiV3Key {
    ApiV3Key::new(API_V3_KEY).unwrap()
}

pub fn now() -> i64 {
    SystemClock.now_unix()
}

/// Retries without waiting long.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

/// A transport builder for `base_url` in public-key mode (no certificate download),
/// with fast retries and no backup host.
pub fn builder(base_url: &str) -> TransportBuilder {
    wechatpay_transport::Transport::builder()
        .mchid(MCHID)
        .merchant_key(merchant_key(), MERCHANT_SERIAL)
        .api_v3_key(api_v3_key())
        .key_mode(KeyMode::PublicKey(wechatpay_public_key()))
        .base_url(base_url)
        .retry(fast_retry(3))
        .timeout(Duration::from_secs(10))
}

/// Signs canned responses as WeChat Pay does.
#[derive(Clone)]
pub struct ResponseSigner {
    key: PrivateKey,
    serial: String,
}

impl ResponseSigner {
    /// Signs with the platform certificate's key.
    pub fn platform() -> Self {
        Self { key: platform_key(), serial: PLATFORM_SERIAL.into() }
    }

    /// Signs with the WeChat Pay public key's private half.
    pub fn public_key() -> Self {
        Self { key: public_key_private(), serial: PUB_KEY_ID.into() }
    }

    /// Signs with `key` but announces `serial`.
    pub fn custom(key: PrivateKey, serial: &str) -> Self {
        Self { key, serial: serial.into() }
    }

    /// A response with `body`, signed over `signed_body` at `timestamp`.
    pub fn template_over(
        &self,
        status: u16,
        body: &[u8],
        signed_body: &[u8],
        timestamp: i64,
    ) -> ResponseTemplate {
        let ts = timestamp.to_string();
        let nonce = "C94880DD66CE00A51E8CC49DBA0C401C";
        let signature =
            self.key.sign_base64(&message::response_message(&ts, nonce, signed_body)).unwrap();
        let t = ResponseTemplate::new(status)
            .insert_header("Wechatpay-Timestamp", ts.as_str())
            .insert_header("Wechatpay-Nonce", nonce)
            .insert_header("Wechatpay-Serial", self.serial.as_str())
            .insert_header("Wechatpay-Signature", signature.as_str())
            .insert_header("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
            .insert_header("Request-ID", REQUEST_ID);
        if body.is_empty() {
            t
        } else {
            t.set_body_raw(body.to_vec(), "application/json")
        }
    }

    /// A response with `body`, signed now.
    pub fn template(&self, status: u16, body: &str) -> ResponseTemplate {
        self.template_over(status, body.as_bytes(), body.as_bytes(), now())
    }

    /// A responder that signs `body` at the moment each request arrives.
    pub fn responder(&self, status: u16, body: &str) -> Signed {
        Signed { signer: self.clone(), status, body: body.to_owned(), clock: None }
    }

    /// A responder that signs with the time `clock` says when each request arrives.
    pub fn responder_at(&self, status: u16, body: &str, clock: FixedClock) -> Signed {
        Signed { signer: self.clone(), status, body: body.to_owned(), clock: Some(clock) }
    }
}

/// Signs at request time, so the timestamp is always fresh.
pub struct Signed {
    signer: ResponseSigner,
    status: u16,
    body: String,
    clock: Option<FixedClock>,
}

impl Respond for Signed {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let at = self.clock.as_ref().map_or_else(now, Clock::now_unix);
        self.signer.template_over(self.status, self.body.as_bytes(), self.body.as_bytes(), at)
    }
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub body: Vec<u8>,
    /// What the Authorization signature must cover (the body, or the multipart meta).
    pub signed_body: Vec<u8>,
    pub authorization: Result<Authorization, String>,
    pub signature_valid: bool,
    pub wechatpay_serial: Option<String>,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub user_agent: Option<String>,
}

/// Checks each request's Authorization with the merchant public key over exactly the bytes
/// received, records it, and answers with a signed response.
#[derive(Clone)]
pub struct CheckRequest {
    signer: ResponseSigner,
    status: u16,
    body: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl CheckRequest {
    pub fn new(signer: ResponseSigner, status: u16, body: &str) -> Self {
        Self { signer, status, body: body.to_owned(), seen: Arc::default() }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn header(request: &Request, name: &str) -> Option<String> {
    request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The `meta` part of a multipart body (the bytes the upload signature covers).
pub fn multipart_meta(content_type: &str, body: &[u8]) -> Option<Vec<u8>> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    for part in text.split(&delimiter) {
        if part.contains("name=\"meta\"") {
            let (_, content) = part.split_once("\r\n\r\n")?;
            return Some(content.strip_suffix("\r\n")?.as_bytes().to_vec());
        }
    }
    None
}

impl Respond for CheckRequest {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let target = match request.url.query() {
            Some(q) => format!("{}?{q}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        let content_type = header(request, "content-type");
        let signed_body = match content_type.as_deref() {
            Some(ct) if ct.starts_with("multipart/form-data") => {
                multipart_meta(ct, &request.body).unwrap_or_default()
            }
            _ => request.body.clone(),
        };
        let authorization = header(request, "authorization")
            .ok_or_else(|| "no Authorization header".to_owned())
            .and_then(|h| Authorization::parse(&h).map_err(|e| e.to_string()));
        let signature_valid = authorization.as_ref().is_ok_and(|a| {
            let message = message::request_message(
                request.method.as_str(),
                &target,
                &a.timestamp,
                &a.nonce_str,
                &signed_body,
            );
            let sig =
                wechatpay_crypto::base64::decode(&a.signature, "signature").unwrap_or_default();
            merchant_public_key().verify(&message, &sig)
        });
        self.seen.lock().unwrap().push(Seen {
            method: request.method.to_string(),
            target,
            body: request.body.clone(),
            signed_body,
            authorization,
            signature_valid,
            wechatpay_serial: header(request, "wechatpay-serial"),
            content_type,
            accept: header(request, "accept"),
            user_agent: header(request, "user-agent"),
        });
        self.signer.template(self.status, &self.body)
    }
}

/// The `/v3/certificates` body: the platform certificate encrypted with the APIv3 key.
pub fn certificates_body() -> String {
    let pem = fixture("keys/wechatpay_platform_cert.pem");
    let ciphertext = api_v3_key().encrypt("cert1nonce12", "certificate", pem.as_bytes()).unwrap();
    serde_json::json!({
        "data": [{
            "serial_no": PLATFORM_SERIAL,
            "effective_time": "2024-01-01T08:00:00+08:00",
            "expire_time": "2050-01-01T07:59:59+08:00",
            "encrypt_certificate": {
                "algorithm": "AEAD_AES_256_GCM",
                "nonce": "cert1nonce12",
                "associated_data": "certificate",
                "ciphertext": ciphertext,
            }
        }]
    })
    .to_string()
}

/// `GET /v3/certificates` answered with [`certificates_body`], signed by the platform key
/// (which the client only learns from the body: the bootstrap), expected `times` times.
pub fn certificates_mock(times: u64) -> Mock {
    Mock::given(method("GET"))
        .and(path("/v3/certificates"))
        .respond_with(ResponseSigner::platform().responder(200, &certificates_body()))
        .expect(times)
}

/// A loopback port with nothing listening (connections are refused).
pub fn refused_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}
