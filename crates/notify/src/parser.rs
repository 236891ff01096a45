//! [`NotifyParser`]: verify, decrypt and decode a callback.

use std::fmt;
use std::sync::Arc;

use http::HeaderMap;
use serde::de::DeserializeOwned;
use wechatpay_crypto::{ApiV3Key, Clock, SystemClock, VerifySignature};
use wechatpay_models::aead::AeadAlgorithm;
use wechatpay_models::notify::{EventType, Notification, ResourceType};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::event::Event;
use crate::headers::CallbackHeaders;
use crate::verified::Verified;

/// The largest callback body accepted, 64 KiB. Real callbacks are a few KiB; anything larger
/// is refused before it is verified or parsed.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Turns a callback request (headers + raw body) into a [`Verified`] event.
///
/// Holds the keys that verify WeChat Pay's signatures (any [`VerifySignature`]: a
/// [`Verifier`](wechatpay_crypto::Verifier), or wechatpay-transport's refreshing key store),
/// the APIv3 key and a clock. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct NotifyParser {
    inner: Arc<Inner>,
}

struct Inner {
    verifier: Arc<dyn VerifySignature>,
    api_v3_key: ApiV3Key,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for NotifyParser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ApiV3Key's own Debug is redacted; it is shown so a reader sees it is configured.
        f.debug_struct("NotifyParser")
            .field("verifier", &self.inner.verifier)
            .field("api_v3_key", &self.inner.api_v3_key)
            .field("clock", &self.inner.clock)
            .finish()
    }
}

impl NotifyParser {
    /// A parser that verifies with `verifier`, decrypts with `api_v3_key` and takes the time
    /// from the system clock.
    pub fn new(verifier: impl VerifySignature + 'static, api_v3_key: ApiV3Key) -> Self {
        Self::with_shared_verifier(Arc::new(verifier), api_v3_key)
    }

    /// Like [`NotifyParser::new`], with a verifier already shared elsewhere (a key store that
    /// the HTTP client refreshes, for instance).
    pub fn with_shared_verifier(verifier: Arc<dyn VerifySignature>, api_v3_key: ApiV3Key) -> Self {
        Self { inner: Arc::new(Inner { verifier, api_v3_key, clock: Arc::new(SystemClock) }) }
    }

    /// Uses another clock for the ±300 s timestamp window (tests, the mock server's virtual
    /// time).
    #[must_use]
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        let inner = Inner {
            verifier: Arc::clone(&self.inner.verifier),
            api_v3_key: self.inner.api_v3_key.clone(),
            clock,
        };
        Self { inner: Arc::new(inner) }
    }

    /// Verifies, decrypts and decodes a callback into a typed [`Event`].
    ///
    /// `headers` are the request headers (names are case-insensitive); `body` the raw body
    /// bytes exactly as received: the signature covers them byte for byte, so do not parse and
    /// re-serialize before calling this.
    ///
    /// An event type this crate does not know gives [`Event::Unknown`], verified and decrypted.
    ///
    /// # Errors
    /// In the order checked: [`Error::BodyTooLarge`]; [`Error::MissingHeader`] or
    /// [`Error::MalformedHeader`]; [`Error::Signature`] (see
    /// [`Error::is_sign_test_probe`]); [`Error::Envelope`];
    /// [`Error::UnsupportedResourceType`] or [`Error::UnsupportedAlgorithm`];
    /// [`Error::Decrypt`]; [`Error::Resource`]. [`Error::reply`] gives the answer to send.
    pub fn parse(&self, headers: &HeaderMap, body: &[u8]) -> Result<Verified<Event>, Error> {
        self.parse_with(headers, body, Event::decode)
    }

    /// Like [`NotifyParser::parse`], decoding the resource into your own type whatever the
    /// event type (`serde_json::Value` takes anything).
    ///
    /// # Errors
    /// As [`NotifyParser::parse`]; [`Error::Resource`] if the resource does not fit `T`.
    pub fn parse_as<T: DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Verified<T>, Error> {
        self.parse_with(headers, body, |_, plaintext| serde_json::from_slice(plaintext))
    }

    fn parse_with<T>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        decode: impl FnOnce(&EventType, &[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<Verified<T>, Error> {
        if body.len() > MAX_BODY_BYTES {
            return Err(Error::BodyTooLarge { max_bytes: MAX_BODY_BYTES });
        }
        let headers = CallbackHeaders::read(headers)?;
        // Nothing in the body is looked at before the signature over it checks out.
        self.inner
            .verifier
            .verify_signature(&headers.signature, body, self.inner.clock.now_unix())
            .map_err(Error::Signature)?;
        let envelope: Notification = serde_json::from_slice(body).map_err(Error::Envelope)?;
        let plaintext = self.decrypt(&envelope)?;
        let resource = decode(&envelope.event_type, &plaintext).map_err(|source| {
            Error::Resource { event_type: envelope.event_type.to_string(), source }
        })?;
        Ok(Verified::new(envelope, headers.request_id.map(str::to_owned), resource))
    }

    fn decrypt(&self, envelope: &Notification) -> Result<Zeroizing<Vec<u8>>, Error> {
        if envelope.resource_type != ResourceType::EncryptResource {
            return Err(Error::UnsupportedResourceType(envelope.resource_type.to_string()));
        }
        let resource = &envelope.resource;
        if resource.algorithm != AeadAlgorithm::AeadAes256Gcm {
            return Err(Error::UnsupportedAlgorithm(resource.algorithm.to_string()));
        }
        // Absent associated data is authenticated as empty, as WeChat Pay's SDKs do.
        let associated_data = resource.associated_data.as_deref().unwrap_or_default();
        self.inner
            .api_v3_key
            .decrypt(&resource.nonce, associated_data, &resource.ciphertext)
            .map_err(Error::Decrypt)
    }
}
