//! Helpers for your own tests with a stub HTTP server (wiremock and the like): correctly
//! signed canned responses and signed, encrypted callbacks, made with the built-in test
//! identity (or your own keys) and the same code the mock server uses.
//!
//! ```
//! use wechatpay_mock::testing::ResponseSigner;
//!
//! let signer = ResponseSigner::platform_certificate();
//! let canned = signer.sign(200, r#"{"prepay_id":"wx201410272009395522657a690389285100"}"#)?;
//! // e.g. wiremock: ResponseTemplate::new(canned.status)
//! //   .append_headers(canned.headers.clone()).set_body_raw(canned.body.clone(), "application/json")
//! assert!(canned.headers.iter().any(|(name, _)| name == "Wechatpay-Signature"));
//!
//! let callback = signer.callback("TRANSACTION.SUCCESS", r#"{"out_trade_no":"T1","trade_state":"SUCCESS"}"#)?;
//! assert!(callback.body.contains("\"event_type\":\"TRANSACTION.SUCCESS\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use bytes::Bytes;
use wechatpay_crypto::{ApiV3Key, Clock, PrivateKey, SystemClock};

use crate::identity;
use crate::notification::{build_callback, CallbackError, CallbackSpec, SignedCallback};
use crate::signing::{SigningKey, REQUEST_ID};

/// A canned response: status, headers (signature, `Request-ID`, `Content-Type`) and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body, exactly as signed.
    pub body: Bytes,
}

impl SignedResponse {
    /// As an `http::Response`.
    ///
    /// # Errors
    /// [`http::Error`] if the status is not a valid HTTP status.
    pub fn to_http(&self) -> Result<http::Response<Bytes>, http::Error> {
        let mut builder = http::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(self.body.clone())
    }
}

/// Signs canned responses and callbacks as WeChat Pay would.
#[derive(Clone, Debug)]
pub struct ResponseSigner {
    key: SigningKey,
    apiv3_key: ApiV3Key,
    clock: Arc<dyn Clock>,
}

// Panics only if the keys compiled into the crate are broken, which the identity tests rule out.
#[allow(clippy::panic)]
fn builtin(serial: &str, pem: &str) -> ResponseSigner {
    // The embedded test keys are valid PEM: the identity tests load every one of them.
    let key = PrivateKey::from_pem(pem)
        .unwrap_or_else(|e| panic!("embedded test key for {serial} does not load: {e}"));
    let apiv3_key =
        ApiV3Key::new(identity::APIV3_KEY).unwrap_or_else(|e| panic!("embedded APIv3 key: {e}"));
    ResponseSigner { key: SigningKey::new(serial, key), apiv3_key, clock: Arc::new(SystemClock) }
}

impl ResponseSigner {
    /// Signs with the built-in platform certificate's key (certificate mode).
    pub fn platform_certificate() -> Self {
        builtin(identity::PLATFORM_CERT_SERIAL, identity::PLATFORM_PRIVATE_KEY_PEM)
    }

    /// Signs with the built-in WeChat Pay public key's private half (public-key mode).
    pub fn public_key() -> Self {
        builtin(identity::PUBLIC_KEY_ID, identity::PUBLIC_KEY_PRIVATE_PEM)
    }

    /// Signs with your own key, announced as `serial`, encrypting callbacks with `apiv3_key`.
    pub fn new(
        serial: impl Into<wechatpay_crypto::SerialNo>,
        key: PrivateKey,
        apiv3_key: ApiV3Key,
    ) -> Self {
        Self { key: SigningKey::new(serial, key), apiv3_key, clock: Arc::new(SystemClock) }
    }

    /// Uses another clock for `Wechatpay-Timestamp` (a pinned one for stale-timestamp tests).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A signed response with this status and body.
    ///
    /// # Errors
    /// [`wechatpay_crypto::Error::Backend`] if signing fails.
    pub fn sign(
        &self,
        status: u16,
        body: impl Into<Bytes>,
    ) -> wechatpay_crypto::Result<SignedResponse> {
        let body = body.into();
        let signed = self.key.sign(&body, self.clock.now_unix())?;
        let mut headers =
            vec![("Content-Type".to_owned(), "application/json; charset=utf-8".to_owned())];
        headers.extend(signed.pairs().iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
        headers.push((REQUEST_ID.to_owned(), hex::encode_upper(rand::random::<[u8; 20]>())));
        Ok(SignedResponse { status, headers, body })
    }

    /// A signed callback for `event_type` whose resource decrypts to `resource_json`.
    ///
    /// # Errors
    /// [`CallbackError`], e.g. for an event type with no known resource type (use
    /// [`ResponseSigner::callback_spec`] then).
    pub fn callback(
        &self,
        event_type: &str,
        resource_json: &str,
    ) -> Result<SignedCallback, CallbackError> {
        self.callback_spec(&CallbackSpec::new(event_type, resource_json))
    }

    /// A signed callback with every envelope detail chosen.
    ///
    /// # Errors
    /// [`CallbackError`].
    pub fn callback_spec(&self, spec: &CallbackSpec<'_>) -> Result<SignedCallback, CallbackError> {
        build_callback(spec, &self.apiv3_key, &self.key, self.clock.now_unix())
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::{FixedClock, SignatureHeaders, WechatPayPublicKey};

    use super::*;

    // Proves a canned public-key-mode response verifies over its exact body and carries Request-ID.
    #[test]
    fn canned_response_verifies() {
        let signer =
            ResponseSigner::public_key().with_clock(Arc::new(FixedClock::new(1_800_000_000)));
        let canned = signer.sign(200, r#"{"a":1}"#).unwrap();
        let header =
            |n: &str| canned.headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str()).unwrap();
        let mut v = wechatpay_crypto::Verifier::new();
        v.add_public_key(
            WechatPayPublicKey::from_pem(identity::PUBLIC_KEY_ID, identity::PUBLIC_KEY_PEM)
                .unwrap(),
        );
        let h = SignatureHeaders {
            timestamp: header("Wechatpay-Timestamp"),
            nonce: header("Wechatpay-Nonce"),
            serial: header("Wechatpay-Serial"),
            signature: header("Wechatpay-Signature"),
            signature_type: Some(header("Wechatpay-Signature-Type")),
        };
        v.verify(&h, &canned.body, 1_800_000_000).unwrap();
        assert_eq!(header("Request-ID").len(), 40);
        let http = canned.to_http().unwrap();
        assert_eq!(http.headers()["wechatpay-serial"], identity::PUBLIC_KEY_ID);
    }
}
