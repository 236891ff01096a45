//! [`TransportBuilder`]: setters stash the first error, `build()` validates everything and
//! names what is missing.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use wechatpay_crypto::{
    ApiV3Key, Certificate, Clock, MerchantSigner, PrivateKey, SerialNo, SystemClock,
};

use crate::error::ConfigError;
use crate::http_client::{HttpClient, SharedHttpClient};
use crate::hyper_client::HyperClient;
use crate::key_store::{KeyMode, KeyStore, KeyStoreConfig};
use crate::retry::RetryPolicy;
use crate::transport::{Inner, Transport};

/// WeChat Pay's API host.
pub const DEFAULT_BASE_URL: &str = "https://api.mch.weixin.qq.com";
/// WeChat Pay's backup API host, tried when the primary cannot be reached.
pub const DEFAULT_BACKUP_BASE_URL: &str = "https://api2.mch.weixin.qq.com";
/// The default limit for a whole exchange (connect, send, receive the body).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default limit for establishing a connection (default client only).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often platform certificates are downloaded again.
pub const DEFAULT_CERTIFICATE_REFRESH: Duration = Duration::from_secs(12 * 3600);
/// The least time between two downloads prompted by unknown serials.
pub const DEFAULT_MIN_CERTIFICATE_REFRESH: Duration = Duration::from_secs(60);
/// The default limit for a buffered response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;

/// An API origin: scheme and authority, no path.
#[derive(Clone, Debug)]
pub(crate) struct BaseUrl {
    pub(crate) scheme: http::uri::Scheme,
    pub(crate) authority: http::uri::Authority,
    /// `scheme://authority`, what a request-target is appended to.
    pub(crate) origin: String,
}

impl BaseUrl {
    pub(crate) fn parse(url: &str) -> Result<Self, ConfigError> {
        let bad = |reason: &'static str| ConfigError::InvalidBaseUrl {
            url: url.chars().take(256).collect(),
            reason,
        };
        let uri: http::Uri = url.parse().map_err(|_| bad("not a URL"))?;
        let scheme = uri.scheme().cloned().ok_or_else(|| bad("has no scheme"))?;
        let authority = uri.authority().cloned().ok_or_else(|| bad("has no host"))?;
        if authority.as_str().contains('@') {
            return Err(bad("must not carry credentials"));
        }
        if uri.path_and_query().is_some_and(|pq| pq.as_str() != "/" && !pq.as_str().is_empty()) {
            return Err(bad("must be an origin only (no path or query)"));
        }
        if scheme == http::uri::Scheme::HTTP {
            if !is_loopback(authority.host()) {
                return Err(bad(
                    "plain http is only allowed for loopback hosts (a local mock server)",
                ));
            }
        } else if scheme != http::uri::Scheme::HTTPS {
            return Err(bad("scheme must be https"));
        }
        let origin = format!("{scheme}://{authority}");
        Ok(Self { scheme, authority, origin })
    }

    fn port(&self) -> u16 {
        self.authority.port_u16().unwrap_or(if self.scheme == http::uri::Scheme::HTTPS {
            443
        } else {
            80
        })
    }

    /// Whether `uri` (absolute) points at this origin.
    pub(crate) fn matches(&self, uri: &http::Uri) -> bool {
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            return false;
        };
        let default_port = if *scheme == http::uri::Scheme::HTTPS { 443 } else { 80 };
        *scheme == self.scheme
            && authority.host().eq_ignore_ascii_case(self.authority.host())
            && authority.port_u16().unwrap_or(default_port) == self.port()
            && !authority.as_str().contains('@')
    }
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[derive(Debug, Clone, Default)]
enum Backup {
    /// The backup host when the base URL is WeChat Pay's, none otherwise.
    #[default]
    Default,
    Url(String),
    Disabled,
}

/// Configures a [`Transport`].
///
/// ```
/// use wechatpay_transport::{KeyMode, Transport};
/// use wechatpay_crypto::{ApiV3Key, PrivateKey};
/// # let key_pem = include_str!("../../../fixtures/vectors/keys/apiclient_key.pem");
/// let transport = Transport::builder()
///     .mchid("1900000100")
///     .merchant_key(PrivateKey::from_pem(key_pem)?, "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B")
///     .api_v3_key(ApiV3Key::new("TestOnlyApiV3Key0123456789abcdef")?)
///     .key_mode(KeyMode::PlatformCertificates)
///     .build()?;
/// # let _ = transport;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct TransportBuilder {
    mchid: Option<String>,
    merchant_key: Option<(PrivateKey, SerialNo)>,
    api_v3_key: Option<ApiV3Key>,
    key_mode: KeyMode,
    certificates: Vec<Certificate>,
    base_url: Option<String>,
    backup: Backup,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    http_client: Option<SharedHttpClient>,
    clock: Arc<dyn Clock>,
    refresh_interval: Duration,
    min_refresh_interval: Duration,
    max_response_bytes: u64,
    user_agent_suffix: Option<String>,
    error: Option<ConfigError>,
}

impl Default for TransportBuilder {
    fn default() -> Self {
        Self {
            mchid: None,
            merchant_key: None,
            api_v3_key: None,
            key_mode: KeyMode::PlatformCertificates,
            certificates: Vec::new(),
            base_url: None,
            backup: Backup::Default,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            http_client: None,
            clock: Arc::new(SystemClock),
            refresh_interval: DEFAULT_CERTIFICATE_REFRESH,
            min_refresh_interval: DEFAULT_MIN_CERTIFICATE_REFRESH,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent_suffix: None,
            error: None,
        }
    }
}

impl TransportBuilder {
    /// A builder with the defaults (certificate mode, WeChat Pay's hosts, 30 s timeout,
    /// three attempts).
    pub fn new() -> Self {
        Self::default()
    }

    fn stash(&mut self, e: ConfigError) {
        self.error.get_or_insert(e);
    }

    /// The merchant id that signs every request (the platform's own mchid, also on calls
    /// made for sub-merchants). Required.
    #[must_use]
    pub fn mchid(mut self, mchid: impl Into<String>) -> Self {
        self.mchid = Some(mchid.into());
        self
    }

    /// The merchant API private key and its certificate serial. Required.
    #[must_use]
    pub fn merchant_key(mut self, key: PrivateKey, serial: impl Into<SerialNo>) -> Self {
        self.merchant_key = Some((key, serial.into()));
        self
    }

    /// Like [`merchant_key`](Self::merchant_key), loading `apiclient_key.pem` text.
    #[must_use]
    pub fn merchant_key_pem(mut self, pem: impl AsRef<[u8]>, serial: impl Into<SerialNo>) -> Self {
        match PrivateKey::from_pem(pem) {
            Ok(key) => self.merchant_key = Some((key, serial.into())),
            Err(source) => self.stash(ConfigError::Crypto { what: "merchant private key", source }),
        }
        self
    }

    /// The APIv3 key, which decrypts downloaded platform certificates. Required in
    /// certificate and mixed modes.
    #[must_use]
    pub fn api_v3_key(mut self, key: ApiV3Key) -> Self {
        self.api_v3_key = Some(key);
        self
    }

    /// How WeChat Pay's signatures are verified (default: [`KeyMode::PlatformCertificates`]).
    #[must_use]
    pub fn key_mode(mut self, mode: KeyMode) -> Self {
        self.key_mode = mode;
        self
    }

    /// Trusts a platform certificate from the start (loaded from disk, or a mock server's);
    /// in certificate mode no download is then needed until the refresh interval passes or
    /// an unknown serial shows up.
    #[must_use]
    pub fn platform_certificate(mut self, cert: Certificate) -> Self {
        self.certificates.push(cert);
        self
    }

    /// The API origin (default `https://api.mch.weixin.qq.com`). Plain `http://` is accepted
    /// for loopback hosts only (`127.0.0.1`, `::1`, `localhost`), for a local mock server.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The origin tried when the base URL cannot be connected to. Defaults to
    /// `https://api2.mch.weixin.qq.com` when the base URL is WeChat Pay's, none otherwise.
    #[must_use]
    pub fn backup_base_url(mut self, url: impl Into<String>) -> Self {
        self.backup = Backup::Url(url.into());
        self
    }

    /// Never fails over to a backup host.
    #[must_use]
    pub fn no_backup_base_url(mut self) -> Self {
        self.backup = Backup::Disabled;
        self
    }

    /// The limit for one attempt of an exchange: connecting, sending and reading the whole
    /// response (for downloads: until the headers, then between two chunks). Default 30 s.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The limit for establishing a connection, for the default HTTP client. Default 10 s.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retry behaviour (default [`RetryPolicy::default`]; [`RetryPolicy::none`] disables it).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses another HTTP client instead of hyper with rustls. [`connect_timeout`](Self::connect_timeout)
    /// is then the client's business.
    #[must_use]
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Some(SharedHttpClient::new(client));
        self
    }

    /// The clock for request timestamps, response time checks, certificate validity and
    /// refresh scheduling (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How often platform certificates are downloaded again (default 12 h), lazily on use
    /// or by [`Transport::spawn_certificate_refresh`].
    #[must_use]
    pub fn certificate_refresh_interval(mut self, interval: Duration) -> Self {
        self.refresh_interval = interval;
        self
    }

    /// The least time between two downloads prompted by unknown serials (default 60 s).
    #[must_use]
    pub fn min_certificate_refresh_interval(mut self, interval: Duration) -> Self {
        self.min_refresh_interval = interval;
        self
    }

    /// The limit for buffered response bodies (default 4 MiB); a [`RequestSpec`](crate::RequestSpec)
    /// may set its own.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Text appended to the `User-Agent` (e.g. your product and version).
    #[must_use]
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    /// The first error a setter stashed, else [`ConfigError::Missing`] naming a missing
    /// setting, [`ConfigError::InvalidBaseUrl`], [`ConfigError::InvalidValue`],
    /// [`ConfigError::MerchantKeyAsVerificationKey`] or [`ConfigError::HttpClient`].
    pub fn build(self) -> Result<Transport, ConfigError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mchid = self.mchid.ok_or(ConfigError::Missing("mchid"))?;
        if mchid.is_empty() {
            return Err(ConfigError::InvalidValue { what: "mchid", reason: "is empty".into() });
        }
        let (merchant_key, merchant_serial) = self.merchant_key.ok_or(ConfigError::Missing(
            "merchant_key (the API private key and its certificate serial)",
        ))?;
        let needs_api_v3_key =
            matches!(self.key_mode, KeyMode::PlatformCertificates | KeyMode::Mixed(_));
        if needs_api_v3_key && self.api_v3_key.is_none() {
            return Err(ConfigError::Missing(
                "api_v3_key (decrypts the platform certificates downloaded in certificate and mixed modes)",
            ));
        }
        for (what, d) in [("timeout", self.timeout), ("connect_timeout", self.connect_timeout)] {
            if d.is_zero() {
                return Err(ConfigError::InvalidValue {
                    what,
                    reason: "must be more than zero".into(),
                });
            }
        }
        if self.retry.max_attempts == 0 {
            return Err(ConfigError::InvalidValue {
                what: "retry.max_attempts",
                reason: "must be at least 1".into(),
            });
        }
        if self.refresh_interval.is_zero() {
            return Err(ConfigError::InvalidValue {
                what: "certificate_refresh_interval",
                reason: "must be more than zero".into(),
            });
        }
        let signer = MerchantSigner::new(mchid, merchant_serial.clone(), merchant_key.clone())
            .map_err(|source| ConfigError::Crypto {
                what: "mchid or merchant certificate serial",
                source,
            })?
            .with_clock(self.clock.clone());
        let is_default_base = self.base_url.is_none();
        let base = BaseUrl::parse(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let backup = match self.backup {
            Backup::Default if is_default_base => Some(BaseUrl::parse(DEFAULT_BACKUP_BASE_URL)?),
            Backup::Default | Backup::Disabled => None,
            Backup::Url(url) => Some(BaseUrl::parse(&url)?),
        };
        let user_agent = user_agent(self.user_agent_suffix.as_deref())?;
        let http = match self.http_client {
            Some(client) => client,
            None => SharedHttpClient::new(HyperClient::new(self.connect_timeout)?),
        };
        let keys = KeyStore::new(KeyStoreConfig {
            mode: self.key_mode,
            certificates: self.certificates,
            clock: self.clock.clone(),
            refresh_interval_secs: secs(self.refresh_interval),
            min_refresh_interval_secs: secs(self.min_refresh_interval),
            merchant_serial,
            merchant_key,
        })?;
        Ok(Transport::from_inner(Inner {
            signer,
            api_v3_key: self.api_v3_key,
            keys,
            base,
            backup,
            http,
            timeout: self.timeout,
            retry: self.retry,
            clock: self.clock,
            user_agent,
            max_response_bytes: self.max_response_bytes,
            refresh_interval: self.refresh_interval,
        }))
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// `wechatpay-rs/<version> (<os>/<arch>) rust[ suffix]`: WeChat Pay asks for a User-Agent
/// naming the client; the OS and architecture help its support read logs.
fn user_agent(suffix: Option<&str>) -> Result<HeaderValue, ConfigError> {
    let mut ua = format!(
        "wechatpay-rs/{} ({}/{}) rust",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    if let Some(s) = suffix {
        ua.push(' ');
        ua.push_str(s);
    }
    HeaderValue::from_str(&ua).map_err(|_| ConfigError::InvalidValue {
        what: "user_agent_suffix",
        reason: "must be visible ASCII".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves base URLs are limited to https, or http on loopback, with no path.
    #[test]
    fn base_url_rules() {
        assert!(BaseUrl::parse("https://api.mch.weixin.qq.com").is_ok());
        assert!(BaseUrl::parse("https://api.mch.weixin.qq.com/").is_ok());
        assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(BaseUrl::parse("http://[::1]:8080").is_ok());
        assert!(BaseUrl::parse("http://localhost:1").is_ok());
        for bad in [
            "http://api.mch.weixin.qq.com",
            "ftp://x",
            "https://x/v3",
            "https://u:p@x",
            "api.mch.weixin.qq.com",
            "http://10.0.0.1",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    // Proves origin matching compares scheme, host (any case) and effective port.
    #[test]
    fn origin_matching() {
        let b = BaseUrl::parse("https://api.mch.weixin.qq.com").unwrap();
        assert!(b.matches(
            &"https://API.mch.weixin.qq.com:443/v3/billdownload/file?token=x".parse().unwrap()
        ));
        assert!(!b.matches(&"http://api.mch.weixin.qq.com/v3".parse().unwrap()));
        assert!(!b.matches(&"https://api.mch.weixin.qq.com.evil.example/v3".parse().unwrap()));
        assert!(!b.matches(&"https://api.mch.weixin.qq.com:8443/v3".parse().unwrap()));
        assert!(!b.matches(&"/v3/x".parse().unwrap()));
    }

    // Proves build() names what is missing.
    #[test]
    fn build_names_missing_settings() {
        let err = TransportBuilder::new().build().unwrap_err();
        assert!(matches!(err, ConfigError::Missing("mchid")), "{err}");
        let key =
            PrivateKey::from_pem(include_str!("../../../fixtures/vectors/keys/apiclient_key.pem"))
                .unwrap();
        let err = TransportBuilder::new()
            .mchid("1900000100")
            .merchant_key(key, "ABC")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("api_v3_key"), "{err}");
        let err = TransportBuilder::new()
            .mchid("1")
            .merchant_key_pem("not pem", "ABC")
            .build()
            .unwrap_err();
        assert!(matches!(err, ConfigError::Crypto { what: "merchant private key", .. }), "{err}");
    }

    // Proves the User-Agent has the documented shape.
    #[test]
    fn user_agent_shape() {
        let ua = user_agent(Some("shop/1.0")).unwrap();
        let ua = ua.to_str().unwrap();
        assert!(ua.starts_with(&format!("wechatpay-rs/{} (", env!("CARGO_PKG_VERSION"))), "{ua}");
        assert!(ua.ends_with(") rust shop/1.0"), "{ua}");
        assert!(user_agent(Some("bad\nvalue")).is_err());
    }
}
