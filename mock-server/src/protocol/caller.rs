//! [`Caller`]: who signed the request, handed to every `/v3/` handler by the verification
//! middleware, with the helpers areas need for sensitive fields.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use zeroize::Zeroizing;

use crate::error::{ApiError, Location};
use crate::signing;
use crate::tenant::Tenant;

/// The verified caller of a `/v3/` request: the tenant whose merchant signed it, the
/// `Request-ID` of the exchange and the request's `Wechatpay-Serial`.
///
/// Handlers take it as an extractor: `async fn handler(caller: Caller, …)`.
#[derive(Clone, Debug)]
pub struct Caller {
    tenant: Arc<Tenant>,
    request_id: Arc<str>,
    wechatpay_serial: Option<String>,
}

impl Caller {
    pub(crate) fn new(
        tenant: Arc<Tenant>,
        request_id: Arc<str>,
        wechatpay_serial: Option<String>,
    ) -> Self {
        Self { tenant, request_id, wechatpay_serial }
    }

    /// The tenant (platform merchant) that signed.
    pub fn tenant(&self) -> &Arc<Tenant> {
        &self.tenant
    }

    /// The platform merchant id that signed.
    pub fn mchid(&self) -> &str {
        self.tenant.mchid()
    }

    /// The tenant's virtual now, unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.tenant.now_unix()
    }

    /// The `Request-ID` the response will carry.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The request's `Wechatpay-Serial`, if sent.
    pub fn wechatpay_serial(&self) -> Option<&str> {
        self.wechatpay_serial.as_deref()
    }

    /// The `Wechatpay-Serial` a request with sensitive fields must carry.
    ///
    /// # Errors
    /// `400 PARAM_ERROR` (field `Wechatpay-Serial`, location header) when it is absent.
    pub fn require_serial(&self) -> Result<&str, ApiError> {
        self.wechatpay_serial().filter(|s| !s.is_empty()).ok_or_else(|| {
            ApiError::param_error(
                signing::SERIAL,
                Location::Header,
                "the request carries encrypted fields, so it must name the key they were encrypted to in Wechatpay-Serial",
            )
        })
    }

    /// Decrypts one sensitive field (RSA-OAEP, base64) with the private key of the
    /// platform certificate or WeChat Pay public key the request's `Wechatpay-Serial` names.
    /// `field` is the field's JSON pointer, used in the error.
    ///
    /// # Errors
    /// `400 PARAM_ERROR`: no `Wechatpay-Serial`; a serial this tenant does not have (in
    /// public-key mode a certificate serial is refused, and the reverse); or a value that
    /// does not decrypt (naming `field`).
    pub fn decrypt_field(
        &self,
        field: &str,
        ciphertext: &str,
    ) -> Result<Zeroizing<String>, ApiError> {
        let serial = self.require_serial()?;
        let key = self.tenant.signer_for_serial(serial).ok_or_else(|| {
            ApiError::param_error(
                signing::SERIAL,
                Location::Header,
                format!(
                    "Wechatpay-Serial {serial} names no platform certificate or WeChat Pay public key of merchant {} (key mode {}; usable: {})",
                    self.mchid(),
                    self.tenant.key_mode().as_str(),
                    self.tenant.encryption_serials().join(", ")
                ),
            )
            .with_value(serial.to_owned())
        })?;
        key.private_key().decrypt_field(ciphertext).map_err(|e| {
            ApiError::param_error(
                field,
                Location::Body,
                format!("does not decrypt with the key of {serial} ({e}); encrypt with RSA-OAEP (SHA-1, MGF1-SHA-1) and base64"),
            )
        })
    }

    /// Encrypts a sensitive response field to the merchant's API certificate (what WeChat
    /// Pay does for e.g. applyment `account_validation`).
    ///
    /// # Errors
    /// `500 SYSTEM_ERROR` if the value is longer than RSA-OAEP allows (a bug in the area).
    pub fn encrypt_for_merchant(&self, plaintext: &str) -> Result<String, ApiError> {
        let key = self
            .tenant
            .merchant_encryption_key()
            .ok_or_else(|| ApiError::system_error("the tenant has no merchant certificate"))?;
        key.encrypt(plaintext)
            .map_err(|e| ApiError::system_error(format!("encrypting a response field failed: {e}")))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            // Only routes behind the verification middleware may take a Caller.
            ApiError::system_error("handler asked for a Caller outside the /v3/ verification layer")
        })
    }
}
