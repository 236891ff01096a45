//! X.509 certificates: the merchant API certificate (for its serial) and WeChat Pay platform
//! certificates (to verify responses and encrypt sensitive fields).

use std::fmt;

use pkcs8::der::{Decode, Encode};
use x509_cert::Certificate as X509;

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::pem;
use crate::public_key::PublicKey;
use crate::serial::SerialNo;

/// A parsed certificate: serial, validity window, RSA public key and the PEM it came from.
#[derive(Clone)]
pub struct Certificate {
    serial: SerialNo,
    not_before: i64,
    not_after: i64,
    public_key: PublicKey,
    pem: String,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("serial", &self.serial)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl Certificate {
    /// Parses a `CERTIFICATE` PEM with the default backend.
    ///
    /// # Errors
    /// [`Error::NotPem`], [`Error::UnexpectedPemLabel`], [`Error::Malformed`], [`Error::NotRsa`]
    /// or [`Error::KeyTooSmall`].
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self> {
        Self::from_pem_with(pem, Backend::default())
    }

    /// Like [`Certificate::from_pem`], with a chosen backend.
    ///
    /// # Errors
    /// As [`Certificate::from_pem`].
    pub fn from_pem_with(pem_text: impl AsRef<[u8]>, backend: Backend) -> Result<Self> {
        let block = pem::decode_one(pem_text.as_ref())?;
        if block.label != "CERTIFICATE" {
            return Err(Error::UnexpectedPemLabel { found: block.label, expected: "CERTIFICATE" });
        }
        let mut cert = Self::from_der_with(&block.der, backend)?;
        cert.pem = String::from_utf8_lossy(pem_text.as_ref()).into_owned();
        Ok(cert)
    }

    /// Parses a DER certificate.
    ///
    /// # Errors
    /// As [`Certificate::from_pem`].
    pub fn from_der_with(der: &[u8], backend: Backend) -> Result<Self> {
        let malformed = |e: pkcs8::der::Error| Error::Malformed {
            what: "X.509 certificate",
            reason: e.to_string(),
        };
        let x509 = X509::from_der(der).map_err(malformed)?;
        let tbs = x509.tbs_certificate();
        let serial = SerialNo::from_bytes(tbs.serial_number().as_bytes());
        let validity = tbs.validity();
        let not_before = unix(validity.not_before.to_unix_duration());
        let not_after = unix(validity.not_after.to_unix_duration());
        let spki = tbs.subject_public_key_info().to_der().map_err(malformed)?;
        let public_key = PublicKey::from_spki_der_with(&spki, backend)?;
        let pem = ::pem::encode(&::pem::Pem::new("CERTIFICATE", der.to_vec()));
        Ok(Self { serial, not_before, not_after, public_key, pem })
    }

    /// The serial number, upper-case hex.
    pub fn serial(&self) -> &SerialNo {
        &self.serial
    }

    /// Start of validity, unix seconds.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// End of validity, unix seconds.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// The certificate's public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The PEM text.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// Whether `now` (unix seconds) is inside the validity window.
    pub fn is_valid_at(&self, now: i64) -> bool {
        self.check_valid_at(now).is_ok()
    }

    /// Checks that `now` (unix seconds) is inside the validity window.
    ///
    /// # Errors
    /// [`Error::CertificateNotYetValid`] or [`Error::CertificateExpired`].
    pub fn check_valid_at(&self, now: i64) -> Result<()> {
        if now < self.not_before {
            return Err(Error::CertificateNotYetValid {
                serial: self.serial.to_string(),
                not_before: self.not_before,
                now,
            });
        }
        if now > self.not_after {
            return Err(Error::CertificateExpired {
                serial: self.serial.to_string(),
                not_after: self.not_after,
                now,
            });
        }
        Ok(())
    }
}

fn unix(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
