//! [`OAuthClient`]: plain HTTPS GETs to `api.weixin.qq.com`, through the transport's
//! [`HttpClient`] seam (hyper + rustls by default). These endpoints are not APIv3: no
//! signature, no `Wechatpay-*` headers, errors as `{errcode, errmsg}` in a 200 body.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use wechatpay_transport::http::{self, header, StatusCode};
use wechatpay_transport::{HttpClient, HttpError, HyperClient, ResponseBody, SharedHttpClient};
use zeroize::Zeroizing;

use crate::answer::{MiniProgramSession, WebAccessToken};
use crate::error::{ConfigError, Error};
use crate::secret::Secret;

/// WeChat's Official Accounts / Mini Programs API host.
pub const DEFAULT_BASE_URL: &str = "https://api.weixin.qq.com";
/// The default limit for one exchange (connect, send, read the answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read; a real one is a few hundred bytes.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// The longest code accepted (real codes are 32 characters).
const MAX_CODE_CHARS: usize = 512;

/// RFC 3986 unreserved characters stay, everything else is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Exchanges authorization codes for openids, for one app (an official account or a mini
/// program: each has its own appid and secret). Cheap to clone.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use wechatpay_oauth::{ErrCode, OAuthClient};
/// let oauth = OAuthClient::builder()
///     .appid("wx8888888888888888")
///     .secret(std::env::var("WECHAT_APP_SECRET")?)
///     .build()?;
/// match oauth.web_access_token("061ABCDE0ZtCUE1aBaF0FFGNG43ABCDk").await {
///     Ok(token) => println!("payer openid {}", token.openid),
///     Err(e) if e.is_code(ErrCode::CodeBeenUsed) => println!("reloaded page: authorize again"),
///     Err(e) => return Err(e.into()),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct OAuthClient {
    inner: Arc<Inner>,
}

struct Inner {
    appid: String,
    secret: Secret,
    base_url: String,
    http: SharedHttpClient,
    timeout: Duration,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("appid", &self.inner.appid)
            .field("secret", &self.inner.secret)
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl OAuthClient {
    /// Starts configuring a client.
    pub fn builder() -> OAuthClientBuilder {
        OAuthClientBuilder::default()
    }

    /// The appid codes are exchanged for.
    pub fn appid(&self) -> &str {
        &self.inner.appid
    }

    /// The base URL (`https://api.weixin.qq.com` by default).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Exchanges an official-account web-authorization `code` (the `code` query parameter
    /// WeChat appends to your redirect URI after `snsapi_base` / `snsapi_userinfo`
    /// authorization) for the user's openid: `GET /sns/oauth2/access_token`.
    ///
    /// A code is good for one exchange within 5 minutes.
    ///
    /// # Errors
    /// [`Error::Api`] with [`ErrCode::InvalidCode`](crate::ErrCode::InvalidCode) (unknown or
    /// expired), [`ErrCode::CodeBeenUsed`](crate::ErrCode::CodeBeenUsed),
    /// [`ErrCode::InvalidAppSecret`](crate::ErrCode::InvalidAppSecret) …;
    /// [`Error::Invalid`] for an empty code; [`Error::Dispatch`], [`Error::Status`],
    /// [`Error::TooLarge`], [`Error::Decode`].
    pub async fn web_access_token(&self, code: &str) -> Result<WebAccessToken, Error> {
        check_code("code", code)?;
        let body = self.get("/sns/oauth2/access_token", "code", code).await?;
        WebAccessToken::from_body(&body)
    }

    /// Exchanges a mini-program login `code` (from `wx.login()`) for the user's openid and
    /// session key: `GET /sns/jscode2session`.
    ///
    /// # Errors
    /// As [`web_access_token`](Self::web_access_token), plus
    /// [`ErrCode::HighRiskUser`](crate::ErrCode::HighRiskUser).
    pub async fn jscode2session(&self, js_code: &str) -> Result<MiniProgramSession, Error> {
        check_code("js_code", js_code)?;
        let body = self.get("/sns/jscode2session", "js_code", js_code).await?;
        MiniProgramSession::from_body(&body)
    }

    async fn get(
        &self,
        path: &str,
        code_name: &'static str,
        code: &str,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        // The secret travels in the query, as the API demands; the URL is wiped after use.
        let uri = Zeroizing::new(format!(
            "{}{path}?appid={}&secret={}&{code_name}={}&grant_type=authorization_code",
            self.inner.base_url,
            encode(&self.inner.appid),
            encode(self.inner.secret.expose()),
            encode(code),
        ));
        let request = http::Request::get(uri.as_str())
            .header(header::ACCEPT, "application/json")
            .header(header::USER_AGENT, concat!("wechatpay-oauth/", env!("CARGO_PKG_VERSION")))
            .body(Bytes::new())
            .map_err(|_| Error::Invalid { field: code_name, reason: "does not fit in a URL" })?;
        let exchange = async {
            let response = self.inner.http.send(request).await.map_err(Error::Dispatch)?;
            let status = response.status();
            let body = read_limited(response.into_body()).await?;
            if status != StatusCode::OK {
                return Err(Error::Status { status, body: Bytes::from(body.to_vec()) });
            }
            Ok(body)
        };
        match tokio::time::timeout(self.inner.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Error::Dispatch(HttpError::timeout(format!(
                "no complete answer within {:?}",
                self.inner.timeout
            )))),
        }
    }
}

fn check_code(field: &'static str, code: &str) -> Result<(), Error> {
    if code.is_empty() {
        return Err(Error::Invalid { field, reason: "must not be empty" });
    }
    if code.chars().count() > MAX_CODE_CHARS {
        return Err(Error::Invalid { field, reason: "is longer than 512 characters" });
    }
    Ok(())
}

fn encode(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Reads the body up to [`MAX_ANSWER_BYTES`] into memory that is wiped on drop (it may hold
/// a session key or tokens).
async fn read_limited(mut body: ResponseBody) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut out = Zeroizing::new(Vec::new());
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(Error::Dispatch)?;
        if out.len().saturating_add(chunk.len()) > MAX_ANSWER_BYTES {
            return Err(Error::TooLarge { limit: MAX_ANSWER_BYTES });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Configures an [`OAuthClient`].
#[derive(Debug, Default)]
pub struct OAuthClientBuilder {
    appid: Option<String>,
    secret: Option<Secret>,
    base_url: Option<String>,
    http: Option<SharedHttpClient>,
    timeout: Option<Duration>,
}

impl OAuthClientBuilder {
    /// The appid of the official account or mini program (required).
    #[must_use]
    pub fn appid(mut self, appid: impl Into<String>) -> Self {
        self.appid = Some(appid.into());
        self
    }

    /// Its app secret (AppSecret, required).
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// Another host, e.g. the mock server's base URL. Must be `https://…`, or `http://` on a
    /// loopback address; an origin only (no path).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Another HTTP client (default: the transport's [`HyperClient`]).
    #[must_use]
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http = Some(SharedHttpClient::new(client));
        self
    }

    /// The limit for one exchange (default 10 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`ConfigError::Missing`] without appid or secret; [`ConfigError::InvalidBaseUrl`];
    /// [`ConfigError::InvalidValue`] for a zero timeout or an empty appid / secret;
    /// [`ConfigError::HttpClient`] if the default client cannot be set up.
    pub fn build(self) -> Result<OAuthClient, ConfigError> {
        let appid = self.appid.ok_or(ConfigError::Missing("appid"))?;
        if appid.is_empty() || appid.len() > 32 {
            return Err(ConfigError::InvalidValue {
                what: "appid",
                reason: "must have 1 to 32 characters",
            });
        }
        let secret = self.secret.ok_or(ConfigError::Missing("app secret"))?;
        if secret.is_empty() {
            return Err(ConfigError::InvalidValue {
                what: "app secret",
                reason: "must not be empty",
            });
        }
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(ConfigError::InvalidValue {
                what: "timeout",
                reason: "must be above zero",
            });
        }
        let base_url = origin(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let http = match self.http {
            Some(h) => h,
            None => {
                SharedHttpClient::new(HyperClient::new(timeout).map_err(ConfigError::HttpClient)?)
            }
        };
        Ok(OAuthClient { inner: Arc::new(Inner { appid, secret, base_url, http, timeout }) })
    }
}

/// Checks a base URL and returns it as `scheme://authority`.
fn origin(url: &str) -> Result<String, ConfigError> {
    let bad = |reason| ConfigError::InvalidBaseUrl { url: url.chars().take(256).collect(), reason };
    let uri: http::Uri = url.parse().map_err(|_| bad("not a URL"))?;
    let scheme = uri.scheme().ok_or_else(|| bad("has no scheme"))?;
    let authority = uri.authority().ok_or_else(|| bad("has no host"))?;
    if authority.as_str().contains('@') {
        return Err(bad("must not carry credentials"));
    }
    if uri.path_and_query().is_some_and(|pq| !matches!(pq.as_str(), "" | "/")) {
        return Err(bad("must be an origin only (no path or query)"));
    }
    if *scheme == http::uri::Scheme::HTTP {
        let host = authority.host().trim_start_matches('[').trim_end_matches(']');
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        if !loopback {
            return Err(bad("plain http is only allowed for loopback hosts (a local mock server)"));
        }
    } else if *scheme != http::uri::Scheme::HTTPS {
        return Err(bad("scheme must be https"));
    }
    Ok(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use wechatpay_transport::BoxFuture;

    use super::*;
    use crate::error::ErrCode;

    /// Answers every request with one canned answer and remembers the URIs asked for.
    #[derive(Debug)]
    struct Canned {
        status: u16,
        body: &'static str,
        seen: Arc<Mutex<Vec<String>>>,
    }

    impl HttpClient for Canned {
        fn send(
            &self,
            request: http::Request<Bytes>,
        ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, HttpError>> {
            self.seen.lock().unwrap().push(request.uri().to_string());
            let response = http::Response::builder()
                .status(self.status)
                .body(ResponseBody::from_bytes(self.body))
                .unwrap();
            Box::pin(async move { Ok(response) })
        }
    }

    fn client(status: u16, body: &'static str) -> (OAuthClient, Arc<Mutex<Vec<String>>>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let c = OAuthClient::builder()
            .appid("wx8888888888888888")
            .secret("s3cr3t+/=")
            .base_url("http://127.0.0.1:9966/")
            .http_client(Canned { status, body, seen: seen.clone() })
            .build()
            .unwrap();
        (c, seen)
    }

    // Proves the exchange GETs the documented path with appid, the escaped secret, the code
    // and grant_type, and decodes the answer.
    #[tokio::test]
    async fn web_exchange_sends_the_documented_query() {
        let (c, seen) = client(
            200,
            r#"{"access_token":"AT","expires_in":7200,"refresh_token":"RT","openid":"o1","scope":"snsapi_base"}"#,
        );
        let t = c.web_access_token("061 code/+").await.unwrap();
        assert_eq!(t.openid, "o1");
        assert_eq!(
            seen.lock().unwrap().as_slice(),
            ["http://127.0.0.1:9966/sns/oauth2/access_token?appid=wx8888888888888888&secret=s3cr3t%2B%2F%3D&code=061%20code%2F%2B&grant_type=authorization_code"]
        );
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    // Proves jscode2session names its code js_code and that errcode answers are typed errors.
    #[tokio::test]
    async fn session_exchange_and_errors() {
        let (c, seen) = client(200, r#"{"errcode":40029,"errmsg":"invalid code, rid: 65a1"}"#);
        let e = c.jscode2session("0a1b2c").await.unwrap_err();
        assert!(e.is_code(ErrCode::InvalidCode), "{e:?}");
        let Error::Api(api) = &e else { panic!() };
        assert_eq!(api.rid(), Some("65a1"));
        assert!(seen.lock().unwrap()[0]
            .contains("/sns/jscode2session?appid=wx8888888888888888&secret="));
        assert!(seen.lock().unwrap()[0].contains("&js_code=0a1b2c&grant_type=authorization_code"));
        assert!(matches!(c.jscode2session("").await, Err(Error::Invalid { field: "js_code", .. })));
    }

    // Proves a non-200 status and an oversized answer are their own errors.
    #[tokio::test]
    async fn status_and_size() {
        let (c, _) = client(502, "<html>bad gateway</html>");
        let e = c.web_access_token("c").await.unwrap_err();
        assert!(matches!(e, Error::Status { status, .. } if status == StatusCode::BAD_GATEWAY));
        let big: &'static str = Box::leak("x".repeat(MAX_ANSWER_BYTES + 1).into_boxed_str());
        let (c, _) = client(200, big);
        assert!(matches!(c.web_access_token("c").await, Err(Error::TooLarge { .. })));
    }

    // Proves base URLs are origins, https or loopback http, and required settings are named.
    #[test]
    fn builder_checks() {
        assert_eq!(origin("https://api.weixin.qq.com").unwrap(), "https://api.weixin.qq.com");
        assert_eq!(origin("http://localhost:9966/").unwrap(), "http://localhost:9966");
        assert_eq!(origin("http://[::1]:1").unwrap(), "http://[::1]:1");
        for bad in ["http://example.com", "ftp://x", "https://x/sns", "https://u:p@x", "x"] {
            assert!(origin(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            OAuthClient::builder().secret("s").build(),
            Err(ConfigError::Missing("appid"))
        ));
        assert!(matches!(
            OAuthClient::builder().appid("wx1").build(),
            Err(ConfigError::Missing("app secret"))
        ));
        let zero = OAuthClient::builder().appid("wx1").secret("s").timeout(Duration::ZERO).build();
        assert!(matches!(zero, Err(ConfigError::InvalidValue { what: "timeout", .. })));
    }
}
