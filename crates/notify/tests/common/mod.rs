//! Shared test support: the notification vectors, trusted keys, and a signer that plays
//! WeChat Pay so tampered callbacks can be re-signed and fail only where intended.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use wechatpay_crypto::message::response_message;
use wechatpay_crypto::{
    ApiV3Key, Certificate, FixedClock, PrivateKey, Verifier, WechatPayPublicKey,
};
use wechatpay_notify::NotifyParser;

pub(crate) const VECTORS: &str = include_str!("../../../../fixtures/vectors/notify_vectors.json");
pub(crate) const PLATFORM_CERT: &str =
    include_str!("../../../../fixtures/vectors/keys/wechatpay_platform_cert.pem");
pub(crate) const PLATFORM_KEY: &str =
    include_str!("../../../../fixtures/vectors/keys/wechatpay_platform_key.pem");
pub(crate) const PUB_KEY: &str = include_str!("../../../../fixtures/vectors/keys/pub_key.pem");
pub(crate) const PLATFORM_SERIAL: &str = "5F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C";
pub(crate) const PUB_KEY_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";
pub(crate) const API_V3_KEY: &str = "TestOnlyApiV3Key0123456789abcdef";

/// One callback: headers and raw body as WeChat Pay would POST them.
#[derive(Clone, Debug)]
pub(crate) struct Callback {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Callback {
    /// The `Wechatpay-Timestamp` as a number.
    pub(crate) fn timestamp(&self) -> i64 {
        self.headers["wechatpay-timestamp"].to_str().unwrap().parse().unwrap()
    }

    /// Replaces (or adds) a header.
    pub(crate) fn set(&mut self, name: &str, value: &str) {
        self.headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }

    /// Signs the current body again with the platform key, as WeChat Pay would, keeping the
    /// timestamp and nonce: whatever was changed in the body then passes verification.
    pub(crate) fn resign(&mut self) {
        let ts = self.headers["wechatpay-timestamp"].to_str().unwrap().to_owned();
        let nonce = self.headers["wechatpay-nonce"].to_str().unwrap().to_owned();
        let key = PrivateKey::from_pem(PLATFORM_KEY).unwrap();
        let signature = key.sign_base64(&response_message(&ts, &nonce, &self.body)).unwrap();
        self.set("Wechatpay-Serial", PLATFORM_SERIAL);
        self.set("Wechatpay-Signature", &signature);
    }

    /// The body as a JSON value.
    pub(crate) fn envelope(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// Replaces the body with `envelope` and signs it again.
    pub(crate) fn set_envelope(&mut self, envelope: &Value) {
        self.body = serde_json::to_vec(envelope).unwrap();
        self.resign();
    }
}

/// The vector case `id` (N01, N02, N03).
pub(crate) fn case(id: &str) -> Value {
    let vectors: Value = serde_json::from_str(VECTORS).unwrap();
    vectors["cases"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone()
}

/// The callback of vector case `id`, headers exactly as listed (mixed case).
pub(crate) fn callback(id: &str) -> Callback {
    let case = case(id);
    let mut headers = HeaderMap::new();
    for (name, value) in case["headers"].as_object().unwrap() {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
        );
    }
    Callback { headers, body: case["body"].as_str().unwrap().as_bytes().to_vec() }
}

/// A callback carrying `plaintext` under `event_type`, encrypted with the test APIv3 key and
/// signed by the platform certificate, at N01's timestamp. `associated_data: None` leaves the
/// member out.
pub(crate) fn make_callback(
    event_type: &str,
    original_type: &str,
    associated_data: Option<&str>,
    plaintext: &str,
) -> Callback {
    let nonce = "0123456789ab";
    let key = ApiV3Key::new(API_V3_KEY).unwrap();
    let ciphertext =
        key.encrypt(nonce, associated_data.unwrap_or_default(), plaintext.as_bytes()).unwrap();
    let mut resource = serde_json::json!({
        "original_type": original_type,
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": ciphertext,
        "nonce": nonce,
    });
    if let Some(ad) = associated_data {
        resource["associated_data"] = ad.into();
    }
    let envelope = serde_json::json!({
        "id": "EV-TEST-1",
        "create_time": "2025-01-01T10:36:00+08:00",
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": "测试",
        "resource": resource,
    });
    let mut callback = callback("N01");
    callback.set_envelope(&envelope);
    callback
}

/// The trusted keys of the vectors: the platform certificate and the WeChat Pay public key.
pub(crate) fn verifier() -> Verifier {
    let mut verifier = Verifier::new();
    verifier.add_certificate(Certificate::from_pem(PLATFORM_CERT).unwrap());
    verifier.add_public_key(WechatPayPublicKey::from_pem(PUB_KEY_ID, PUB_KEY).unwrap());
    verifier
}

/// A parser trusting the vectors' keys, with the clock stopped at `now`.
pub(crate) fn parser_at(now: i64) -> NotifyParser {
    NotifyParser::new(verifier(), ApiV3Key::new(API_V3_KEY).unwrap())
        .with_clock(Arc::new(FixedClock::new(now)))
}

/// A parser whose clock reads the callback's own timestamp.
pub(crate) fn parser_for(callback: &Callback) -> NotifyParser {
    parser_at(callback.timestamp())
}
