//! The default [`HttpClient`]: hyper 1 over rustls (aws-lc-rs provider, Mozilla roots), with
//! a connection pool and HTTP/1.1 keep-alive.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::stream;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::error::ConfigError;
use crate::http_client::{HttpClient, HttpError, ResponseBody};

/// How long an idle pooled connection is kept. WeChat Pay's servers close idle connections
/// after about a minute; reusing one they already closed costs a failed write, so stay below.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);

/// The default HTTP client: hyper-util's pooled client with rustls.
///
/// Plain `http://` is supported by the connector, but the transport only lets it through for
/// loopback base URLs (the mock server); see [`TransportBuilder::base_url`](crate::TransportBuilder::base_url).
#[derive(Clone)]
pub struct HyperClient {
    inner: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient").finish_non_exhaustive()
    }
}

impl HyperClient {
    /// A client whose connection attempts give up after `connect_timeout`.
    ///
    /// # Errors
    /// [`ConfigError::HttpClient`] if rustls cannot be set up with the aws-lc-rs provider.
    pub fn new(connect_timeout: Duration) -> Result<Self, ConfigError> {
        let mut http = HttpConnector::new();
        // The TLS wrapper below handles https; the inner connector must accept both schemes.
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_nodelay(true);
        http.set_keepalive(Some(Duration::from_secs(60)));
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let inner = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(https);
        Ok(Self { inner })
    }
}

impl HttpClient for HyperClient {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, HttpError>> {
        Box::pin(async move {
            let request = request.map(Full::new);
            let response = self.inner.request(request).await.map_err(|e| {
                if e.is_connect() {
                    HttpError::connect(e)
                } else {
                    HttpError::io(e)
                }
            })?;
            Ok(response.map(incoming_to_body))
        })
    }
}

/// Turns hyper's body into a chunk stream that ends after the first error.
fn incoming_to_body(body: Incoming) -> ResponseBody {
    ResponseBody::from_stream(stream::unfold(Some(body), |state| async move {
        let mut body = state?;
        loop {
            match body.frame().await {
                None => return None,
                Some(Ok(frame)) => {
                    // Trailers carry nothing WeChat Pay uses; only data frames matter.
                    if let Ok(data) = frame.into_data() {
                        return Some((Ok(data), Some(body)));
                    }
                }
                Some(Err(e)) => {
                    return Some((
                        Err(HttpError::io(Box::new(e) as Box<dyn StdError + Send + Sync>)),
                        None,
                    ))
                }
            }
        }
    }))
}
