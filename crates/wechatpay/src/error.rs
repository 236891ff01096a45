//! Why a [`Client`](crate::Client) could not be built.

/// A [`ClientBuilder::build`](crate::ClientBuilder::build) failure, naming what is wrong.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The transport settings were refused (a missing mchid, merchant key or APIv3 key, a bad
    /// base URL, a WeChat Pay key that is the merchant's own …); the source says which.
    #[error("invalid transport configuration")]
    Transport(#[source] wechatpay_transport::ConfigError),
    /// Background certificate refresh was asked for outside a tokio runtime.
    #[error("background certificate refresh needs a tokio runtime: build the client inside one")]
    NoRuntime,
}

impl From<wechatpay_transport::ConfigError> for ConfigError {
    fn from(error: wechatpay_transport::ConfigError) -> Self {
        Self::Transport(error)
    }
}

/// Why [`Client::notify_parser`](crate::Client::notify_parser) has no parser to give.
#[cfg(feature = "notify")]
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum NotifyConfigError {
    /// Callbacks are encrypted with the APIv3 key, and the client was built without one
    /// (public-key mode does not need it for API calls).
    #[error("the client has no APIv3 key: set ClientBuilder::api_v3_key to decrypt callbacks")]
    MissingApiV3Key,
}
