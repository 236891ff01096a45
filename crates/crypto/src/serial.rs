//! Certificate serial numbers and public key ids, as they appear in `serial_no` and
//! `Wechatpay-Serial`.

use std::fmt;
use std::hash::{Hash, Hasher};

/// A certificate serial number (upper-case hex, as WeChat Pay prints it) or a WeChat Pay
/// public key id (`PUB_KEY_ID_…`).
///
/// Equality and hashing ignore ASCII case: some libraries print serials in lower case
/// (`3a2b…`), WeChat Pay in upper case.
#[derive(Clone, Eq)]
pub struct SerialNo(String);

impl SerialNo {
    /// Wraps a serial as given.
    pub fn new(serial: impl Into<String>) -> Self {
        Self(serial.into())
    }

    /// Formats big-endian serial bytes the way WeChat Pay does: upper-case hex without
    /// leading zero bytes.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len().saturating_sub(1));
        Self(hex::encode_upper(bytes.get(first..).unwrap_or_default()))
    }

    /// The serial as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq for SerialNo {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Hash for SerialNo {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_uppercase());
        }
        state.write_u8(0xff);
    }
}

impl fmt::Debug for SerialNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for SerialNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for SerialNo {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for SerialNo {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

impl AsRef<str> for SerialNo {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
