//! Errors: one variant per phase of a call, and WeChat's `errcode` / `errmsg` typed.

use bytes::Bytes;
use wechatpay_transport::http::StatusCode;
use wechatpay_transport::HttpError;

/// Everything that can go wrong in a code exchange.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The code (or another argument) cannot be sent; nothing was sent.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The argument.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// No answer: connection failure, I/O error or timeout.
    #[error("the request was not answered")]
    Dispatch(#[source] HttpError),
    /// The answer was larger than the limit (64 KiB); reading stopped there.
    #[error("the answer is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// An HTTP status other than 200 (a proxy error page, a 5xx).
    #[error("the server answered HTTP {status}")]
    Status {
        /// The status.
        status: StatusCode,
        /// The body, as received.
        body: Bytes,
    },
    /// WeChat refused: the body carried a non-zero `errcode`.
    #[error("WeChat answered errcode {}: {}", .0.errcode(), .0.errmsg())]
    Api(WechatError),
    /// A 200 answer that is not the expected JSON.
    #[error("the answer could not be decoded")]
    Decode(#[source] serde_json::Error),
}

impl Error {
    /// The typed `errcode`, if WeChat refused.
    pub fn code(&self) -> Option<ErrCode> {
        match self {
            Self::Api(e) => Some(e.code()),
            _ => None,
        }
    }

    /// Whether WeChat refused with `code`.
    ///
    /// ```
    /// # fn check(err: wechatpay_oauth::Error) {
    /// use wechatpay_oauth::ErrCode;
    /// if err.is_code(ErrCode::CodeBeenUsed) {
    ///     // the page was reloaded: send the user through authorization again
    /// }
    /// # }
    /// ```
    pub fn is_code(&self, code: ErrCode) -> bool {
        self.code() == Some(code)
    }
}

/// The error body of the sns endpoints: `{"errcode":40029,"errmsg":"invalid code, rid: …"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WechatError {
    errcode: i64,
    errmsg: String,
}

impl WechatError {
    /// An error body with `errcode` and `errmsg`.
    pub fn new(errcode: i64, errmsg: impl Into<String>) -> Self {
        Self { errcode, errmsg: errmsg.into() }
    }

    /// The `errcode` as a number.
    pub fn errcode(&self) -> i64 {
        self.errcode
    }

    /// The typed `errcode`.
    pub fn code(&self) -> ErrCode {
        ErrCode::from_errcode(self.errcode)
    }

    /// The `errmsg`, as sent.
    pub fn errmsg(&self) -> &str {
        &self.errmsg
    }

    /// The request id WeChat appends to `errmsg` (`…, rid: 6523a1f0-…`), to quote to support.
    pub fn rid(&self) -> Option<&str> {
        let (_, rid) = self.errmsg.rsplit_once("rid:")?;
        Some(rid.trim()).filter(|r| !r.is_empty())
    }
}

/// The `errcode`s a code exchange can answer.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrCode {
    /// `-1`: system busy; try again later.
    SystemBusy,
    /// `40013`: the appid is not valid.
    InvalidAppId,
    /// `40029`: the code is not valid: unknown, expired (5 minutes), or issued to another appid.
    InvalidCode,
    /// `40125`: the app secret is wrong.
    InvalidAppSecret,
    /// `40163`: the code was exchanged already (a code is good for one exchange).
    CodeBeenUsed,
    /// `40226`: the user is blocked by risk control (mini programs).
    HighRiskUser,
    /// `41002`: `appid` missing.
    AppIdMissing,
    /// `41004`: `secret` missing.
    AppSecretMissing,
    /// `41008`: `code` missing.
    CodeMissing,
    /// `45011`: too many calls; slow down.
    FrequencyLimited,
    /// Another `errcode`, kept as sent.
    Other(i64),
}

impl ErrCode {
    /// The type of an `errcode`.
    pub fn from_errcode(errcode: i64) -> Self {
        match errcode {
            -1 => Self::SystemBusy,
            40013 => Self::InvalidAppId,
            40029 => Self::InvalidCode,
            40125 => Self::InvalidAppSecret,
            40163 => Self::CodeBeenUsed,
            40226 => Self::HighRiskUser,
            41002 => Self::AppIdMissing,
            41004 => Self::AppSecretMissing,
            41008 => Self::CodeMissing,
            45011 => Self::FrequencyLimited,
            other => Self::Other(other),
        }
    }

    /// The number WeChat sends.
    pub fn errcode(self) -> i64 {
        match self {
            Self::SystemBusy => -1,
            Self::InvalidAppId => 40013,
            Self::InvalidCode => 40029,
            Self::InvalidAppSecret => 40125,
            Self::CodeBeenUsed => 40163,
            Self::HighRiskUser => 40226,
            Self::AppIdMissing => 41002,
            Self::AppSecretMissing => 41004,
            Self::CodeMissing => 41008,
            Self::FrequencyLimited => 45011,
            Self::Other(code) => code,
        }
    }
}

/// Why an [`OAuthClient`](crate::OAuthClient) could not be built.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required setting is missing.
    #[error("missing {0}")]
    Missing(&'static str),
    /// The base URL is not acceptable.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL given (truncated to 256 characters).
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// A setting has a value that cannot work.
    #[error("invalid {what}: {reason}")]
    InvalidValue {
        /// The setting.
        what: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The default HTTP client could not be created.
    #[error("the default HTTP client could not be created")]
    HttpClient(#[source] wechatpay_transport::ConfigError),
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves every named errcode maps both ways and unknown ones are kept.
    #[test]
    fn errcodes_round_trip() {
        for n in [-1, 40013, 40029, 40125, 40163, 40226, 41002, 41004, 41008, 45011, 12345] {
            assert_eq!(ErrCode::from_errcode(n).errcode(), n);
        }
        assert_eq!(ErrCode::from_errcode(40029), ErrCode::InvalidCode);
        assert_eq!(ErrCode::from_errcode(40163), ErrCode::CodeBeenUsed);
        assert_eq!(ErrCode::from_errcode(7), ErrCode::Other(7));
    }

    // Proves the rid is read from the end of errmsg and is absent when not sent.
    #[test]
    fn rid_from_errmsg() {
        let e = WechatError::new(40029, "invalid code, rid: 6523a1f0-1b2c3d4e-5f607182");
        assert_eq!(e.rid(), Some("6523a1f0-1b2c3d4e-5f607182"));
        assert_eq!(WechatError::new(40029, "invalid code").rid(), None);
        let err = Error::Api(e);
        assert!(err.is_code(ErrCode::InvalidCode));
        assert_eq!(
            err.to_string(),
            "WeChat answered errcode 40029: invalid code, rid: 6523a1f0-1b2c3d4e-5f607182"
        );
    }
}
