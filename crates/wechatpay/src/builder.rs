//! [`ClientBuilder`]: the settings of a [`Client`], delegated to wechatpay-transport's
//! [`TransportBuilder`], which validates them at [`build`](ClientBuilder::build).

use std::sync::Arc;
use std::time::Duration;

use wechatpay_crypto::{ApiV3Key, Certificate, Clock, PrivateKey, SerialNo};
use wechatpay_transport::{HttpClient, KeyMode, RetryPolicy, TransportBuilder};

use crate::client::Client;
use crate::error::ConfigError;

/// Builds a [`Client`]. Every setter but
/// [`refresh_certificates_in_background`](Self::refresh_certificates_in_background) is
/// [`TransportBuilder`]'s; nothing is checked until [`build`](Self::build).
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    transport: TransportBuilder,
    background_refresh: bool,
}

impl ClientBuilder {
    /// A builder with the transport's defaults: `https://api.mch.weixin.qq.com` with the
    /// backup host, platform-certificate key mode, 30 s timeout, three attempts.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts from a [`TransportBuilder`] configured elsewhere (every transport setting,
    /// including the ones this builder does not repeat).
    pub fn from_transport_builder(transport: TransportBuilder) -> Self {
        Self { transport, background_refresh: false }
    }

    /// The platform's merchant id (`mchid` / `sp_mchid`, 服务商户号).
    pub fn mchid(mut self, mchid: impl Into<String>) -> Self {
        self.transport = self.transport.mchid(mchid);
        self
    }

    /// The merchant API private key (`apiclient_key.pem`) and its certificate serial.
    pub fn merchant_key(mut self, key: PrivateKey, serial: impl Into<SerialNo>) -> Self {
        self.transport = self.transport.merchant_key(key, serial);
        self
    }

    /// The merchant API private key as PEM; a parse failure is reported by
    /// [`build`](Self::build).
    pub fn merchant_key_pem(mut self, pem: impl AsRef<[u8]>, serial: impl Into<SerialNo>) -> Self {
        self.transport = self.transport.merchant_key_pem(pem, serial);
        self
    }

    /// The APIv3 key: decrypts platform certificates and callbacks.
    pub fn api_v3_key(mut self, key: ApiV3Key) -> Self {
        self.transport = self.transport.api_v3_key(key);
        self
    }

    /// Which WeChat Pay keys verify answers and encrypt sensitive fields: platform
    /// certificates (downloaded and refreshed), the WeChat Pay public key, or both
    /// (migration; see docs/migration.md).
    pub fn key_mode(mut self, mode: KeyMode) -> Self {
        self.transport = self.transport.key_mode(mode);
        self
    }

    /// Trusts a platform certificate from the start (certificate and mixed modes), so no
    /// download is needed before the first call.
    pub fn platform_certificate(mut self, cert: Certificate) -> Self {
        self.transport = self.transport.platform_certificate(cert);
        self
    }

    /// The API origin (the mock server's base URL in tests).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.transport = self.transport.base_url(url);
        self
    }

    /// The host tried when the primary cannot be reached.
    pub fn backup_base_url(mut self, url: impl Into<String>) -> Self {
        self.transport = self.transport.backup_base_url(url);
        self
    }

    /// No failover host.
    pub fn no_backup_base_url(mut self) -> Self {
        self.transport = self.transport.no_backup_base_url();
        self
    }

    /// The timeout of one attempt, connection included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.timeout(timeout);
        self
    }

    /// The connect timeout of the default HTTP client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self
    }

    /// When and how often a call is repeated.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry(policy);
        self
    }

    /// Sends through another HTTP client than hyper + rustls.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.transport = self.transport.http_client(client);
        self
    }

    /// The clock of signatures and of the ±300 s window (the mock's virtual clock in tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.transport = self.transport.clock(clock);
        self
    }

    /// How often platform certificates are downloaded again (default 12 h).
    pub fn certificate_refresh_interval(mut self, interval: Duration) -> Self {
        self.transport = self.transport.certificate_refresh_interval(interval);
        self
    }

    /// Appended to the `User-Agent` header.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.transport = self.transport.user_agent_suffix(suffix);
        self
    }

    /// Downloads platform certificates on a tokio task every refresh interval, instead of
    /// when a call notices they are due, so callbacks are verified with fresh certificates
    /// even when the client makes no calls. The task stops with the last clone of the client.
    pub fn refresh_certificates_in_background(mut self, enabled: bool) -> Self {
        self.background_refresh = enabled;
        self
    }

    /// Validates the settings and builds the client.
    ///
    /// # Errors
    /// [`ConfigError::Transport`] naming what is missing or invalid;
    /// [`ConfigError::NoRuntime`] when background refresh is on outside a tokio runtime.
    pub fn build(self) -> Result<Client, ConfigError> {
        let transport = self.transport.build()?;
        let refresh = if self.background_refresh {
            // `spawn_certificate_refresh` spawns on the current runtime; check first, so a
            // missing runtime is an error rather than a panic.
            tokio::runtime::Handle::try_current().map_err(|_| ConfigError::NoRuntime)?;
            Some(Arc::new(transport.spawn_certificate_refresh()))
        } else {
            None
        };
        Ok(Client::assemble(transport, refresh))
    }
}
