//! The `Authorization` request header: building it in the official parameter order and
//! parsing it in any order (third-party clients order the parameters differently).

use std::fmt;

use crate::error::{Error, Result};

/// The only scheme APIv3 uses.
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// The longest header value the parser looks at; real ones are about 520 bytes.
pub const MAX_HEADER_LEN: usize = 4096;

/// The parts of an `Authorization: WECHATPAY2-SHA256-RSA2048 …` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The merchant id (`mchid`).
    pub mchid: String,
    /// The nonce (`nonce_str`).
    pub nonce_str: String,
    /// Base64 signature (`signature`).
    pub signature: String,
    /// Unix seconds as a decimal string (`timestamp`).
    pub timestamp: String,
    /// The merchant API certificate serial (`serial_no`).
    pub serial_no: String,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("mchid", &self.mchid)
            .field("nonce_str", &self.nonce_str)
            .field("timestamp", &self.timestamp)
            .field("serial_no", &self.serial_no)
            .finish_non_exhaustive()
    }
}

impl Authorization {
    /// The header value in the official parameter order
    /// (`mchid, nonce_str, signature, timestamp, serial_no`), byte for byte what the official
    /// SDKs send.
    pub fn to_header_value(&self) -> String {
        format!(
            "{SCHEME} mchid=\"{}\",nonce_str=\"{}\",signature=\"{}\",timestamp=\"{}\",serial_no=\"{}\"",
            self.mchid, self.nonce_str, self.signature, self.timestamp, self.serial_no
        )
    }

    /// Parses a header value. Parameters may come in any order, separated by commas with
    /// optional spaces; values must be quoted. Unknown parameters are ignored; duplicates and
    /// missing ones are errors.
    ///
    /// # Errors
    /// [`Error::MalformedAuthorization`] saying what was wrong, or
    /// [`Error::UnsupportedSignatureType`] for another scheme.
    pub fn parse(value: &str) -> Result<Self> {
        let bad = |why: &str| Error::MalformedAuthorization(why.to_owned());
        if value.len() > MAX_HEADER_LEN {
            return Err(bad("longer than 4096 bytes"));
        }
        let value = value.trim();
        let (scheme, params) = value
            .split_once(' ')
            .ok_or_else(|| bad("expected `WECHATPAY2-SHA256-RSA2048 key=\"value\",…`"))?;
        if scheme != SCHEME {
            return Err(Error::UnsupportedSignatureType(scheme.chars().take(64).collect()));
        }
        let mut fields: [Option<String>; 5] = Default::default();
        const NAMES: [&str; 5] = ["mchid", "nonce_str", "signature", "timestamp", "serial_no"];
        let mut rest = params.trim_start();
        while !rest.is_empty() {
            let (key, after_key) =
                rest.split_once('=').ok_or_else(|| bad("parameter without `=`"))?;
            let key = key.trim();
            let after_key = after_key.trim_start();
            let quoted = after_key
                .strip_prefix('"')
                .ok_or_else(|| bad(&format!("value of `{}` is not quoted", truncate(key))))?;
            let (val, after_val) = quoted.split_once('"').ok_or_else(|| {
                bad(&format!("value of `{}` has no closing quote", truncate(key)))
            })?;
            if let Some(i) = NAMES.iter().position(|n| *n == key) {
                let slot = fields.get_mut(i).ok_or_else(|| bad("internal"))?;
                if slot.is_some() {
                    return Err(bad(&format!("parameter `{key}` appears twice")));
                }
                *slot = Some(val.to_owned());
            }
            let after_val = after_val.trim_start();
            rest = match after_val.strip_prefix(',') {
                Some(r) => r.trim_start(),
                None if after_val.is_empty() => "",
                None => return Err(bad("parameters must be separated by commas")),
            };
        }
        let [mchid, nonce_str, signature, timestamp, serial_no] = fields;
        let need = |v: Option<String>, name: &str| {
            v.ok_or_else(|| bad(&format!("missing parameter `{name}`")))
        };
        Ok(Self {
            mchid: need(mchid, "mchid")?,
            nonce_str: need(nonce_str, "nonce_str")?,
            signature: need(signature, "signature")?,
            timestamp: need(timestamp, "timestamp")?,
            serial_no: need(serial_no, "serial_no")?,
        })
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(32).collect()
}

impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_header_value())
    }
}
