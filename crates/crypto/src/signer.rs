//! The merchant's request signer: builds `Authorization` headers and front-end signatures.

use std::fmt;
use std::sync::Arc;

use crate::authorization::Authorization;
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::message::{lines_message, request_message};
use crate::nonce::{NonceSource, RandomNonces, NONCE_LEN};
use crate::private_key::PrivateKey;
use crate::serial::SerialNo;

/// Signs requests as one merchant: mchid + API certificate serial + API private key.
///
/// Cheap to clone. The clock and the nonce source can be replaced for tests.
#[derive(Clone)]
pub struct MerchantSigner {
    mchid: String,
    serial: SerialNo,
    key: PrivateKey,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
}

impl fmt::Debug for MerchantSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantSigner")
            .field("mchid", &self.mchid)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

fn check_field(value: &str, field: &'static str) -> Result<()> {
    if value.bytes().any(|b| matches!(b, b'\n' | b'\r' | b'"')) {
        return Err(Error::InvalidSignedField { field });
    }
    Ok(())
}

impl MerchantSigner {
    /// A signer for `mchid` using the API certificate `serial` and its private `key`.
    ///
    /// # Errors
    /// [`Error::InvalidSignedField`] if mchid or serial contain a quote or a newline.
    pub fn new(
        mchid: impl Into<String>,
        serial: impl Into<SerialNo>,
        key: PrivateKey,
    ) -> Result<Self> {
        let mchid = mchid.into();
        let serial = serial.into();
        check_field(&mchid, "mchid")?;
        check_field(serial.as_str(), "serial_no")?;
        let nonces = RandomNonces::with_backend(key.backend());
        Ok(Self { mchid, serial, key, clock: Arc::new(SystemClock), nonces: Arc::new(nonces) })
    }

    /// Uses another clock (tests, virtual time).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Uses another nonce source (tests).
    #[must_use]
    pub fn with_nonces(mut self, nonces: Arc<dyn NonceSource>) -> Self {
        self.nonces = nonces;
        self
    }

    /// The merchant id.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// The API certificate serial.
    pub fn serial(&self) -> &SerialNo {
        &self.serial
    }

    /// The private key.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// The clock in use.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Builds the `Authorization` for a request, with the current time and a fresh nonce.
    /// `url` is the request-target exactly as sent; `body` the exact bytes sent (empty for
    /// GET; the meta JSON for uploads).
    ///
    /// # Errors
    /// [`Error::InvalidSignedField`] if method or url contain a newline; [`Error::Backend`].
    pub fn authorize(&self, method: &str, url: &str, body: &[u8]) -> Result<Authorization> {
        let nonce = self.nonces.nonce(NONCE_LEN)?;
        self.authorize_at(method, url, body, self.clock.now_unix(), &nonce)
    }

    /// Builds the `Authorization` with a given timestamp and nonce.
    ///
    /// # Errors
    /// As [`MerchantSigner::authorize`].
    pub fn authorize_at(
        &self,
        method: &str,
        url: &str,
        body: &[u8],
        timestamp: i64,
        nonce: &str,
    ) -> Result<Authorization> {
        check_field(method, "method")?;
        check_field(url, "url")?;
        check_field(nonce, "nonce_str")?;
        let timestamp = timestamp.to_string();
        let message = request_message(method, url, &timestamp, nonce, body);
        let signature = self.key.sign_base64(&message)?;
        Ok(Authorization {
            mchid: self.mchid.clone(),
            nonce_str: nonce.to_owned(),
            signature,
            timestamp,
            serial_no: self.serial.to_string(),
        })
    }

    /// Signs lines joined by `\n` with a trailing `\n` (the front-end message format).
    ///
    /// # Errors
    /// [`Error::Backend`].
    pub fn sign_lines(&self, lines: &[&str]) -> Result<String> {
        self.key.sign_base64(&lines_message(lines))
    }

    /// A fresh timestamp and nonce for front-end parameters.
    pub(crate) fn fresh(&self) -> Result<(String, String)> {
        Ok((self.clock.now_unix().to_string(), self.nonces.nonce(NONCE_LEN)?))
    }
}
