//! The HTTP client seam: a small object-safe trait, held in an `Arc`, so users can plug in
//! their own client (a proxy, a recorder, a test double) while signing and verification stay
//! in the transport.

use std::error::Error as StdError;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::future::BoxFuture;
use futures_util::stream::{self, Stream, StreamExt};

/// Sends one HTTP request and returns the response with a streaming body.
///
/// The request's URI is absolute (`https://api.mch.weixin.qq.com/v3/…`) and its headers are
/// final: an implementation must send the URI and body unchanged, because both are signed.
/// Timeouts and retries are applied by the transport around this call.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `request`.
    ///
    /// # Errors
    /// An [`HttpError`] whose [`kind`](HttpError::kind) says whether the request could have
    /// reached the server ([`HttpErrorKind::Connect`] means it did not, which makes it safe to
    /// retry and to fail over to the backup host).
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, HttpError>>;
}

/// A cheaply cloneable handle to an [`HttpClient`].
#[derive(Clone, Debug)]
pub struct SharedHttpClient(Arc<dyn HttpClient>);

impl SharedHttpClient {
    /// Wraps a client.
    pub fn new(client: impl HttpClient + 'static) -> Self {
        Self(Arc::new(client))
    }
}

impl From<Arc<dyn HttpClient>> for SharedHttpClient {
    fn from(client: Arc<dyn HttpClient>) -> Self {
        Self(client)
    }
}

impl HttpClient for SharedHttpClient {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, HttpError>> {
        self.0.send(request)
    }
}

/// How an HTTP exchange failed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpErrorKind {
    /// No connection could be made (DNS, refused, TLS handshake, connect timeout); nothing was sent.
    Connect,
    /// The client's own timeout fired.
    Timeout,
    /// Anything after the connection was made (reset, truncated body …): the request may have
    /// been processed.
    Io,
}

/// An error from an [`HttpClient`], with the underlying cause kept opaque.
#[derive(Debug)]
pub struct HttpError {
    kind: HttpErrorKind,
    source: Box<dyn StdError + Send + Sync>,
}

impl HttpError {
    /// A connection failure: the request was not sent.
    pub fn connect(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self { kind: HttpErrorKind::Connect, source: source.into() }
    }

    /// A timeout inside the client.
    pub fn timeout(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self { kind: HttpErrorKind::Timeout, source: source.into() }
    }

    /// A failure after connecting.
    pub fn io(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self { kind: HttpErrorKind::Io, source: source.into() }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> HttpErrorKind {
        self.kind
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            HttpErrorKind::Connect => f.write_str("connection failed"),
            HttpErrorKind::Timeout => f.write_str("HTTP client timed out"),
            HttpErrorKind::Io => f.write_str("HTTP exchange failed"),
        }
    }
}

impl StdError for HttpError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, HttpError>> + Send>>;

/// A response body as a stream of chunks, so a bill can be downloaded without holding it in
/// memory.
pub struct ResponseBody(ChunkStream);

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseBody")
    }
}

impl ResponseBody {
    /// A body already in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Self::empty();
        }
        Self(Box::pin(stream::once(async move { Ok(bytes) })))
    }

    /// An empty body.
    pub fn empty() -> Self {
        Self(Box::pin(stream::empty()))
    }

    /// A body from a stream of chunks.
    pub fn from_stream(
        stream: impl Stream<Item = Result<Bytes, HttpError>> + Send + 'static,
    ) -> Self {
        Self(Box::pin(stream))
    }

    /// Reads the whole body, stopping with [`CollectError::TooLarge`] once more than
    /// `limit` bytes arrive (the rest is not read).
    pub(crate) async fn collect_limited(mut self, limit: u64) -> Result<Bytes, CollectError> {
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.0.next().await {
            let chunk = chunk.map_err(CollectError::Http)?;
            let total = u64::try_from(buf.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
            if total > limit {
                return Err(CollectError::TooLarge);
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }
}

impl Stream for ResponseBody {
    type Item = Result<Bytes, HttpError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

/// Why reading a body stopped.
#[derive(Debug)]
pub(crate) enum CollectError {
    Http(HttpError),
    TooLarge,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the size limit stops reading once exceeded and accepts a body exactly at the limit.
    #[tokio::test]
    async fn collect_limited_enforces_the_limit() {
        let chunks =
            || stream::iter([Ok(Bytes::from_static(b"abcd")), Ok(Bytes::from_static(b"efgh"))]);
        let body = ResponseBody::from_stream(chunks());
        assert_eq!(body.collect_limited(8).await.unwrap(), Bytes::from_static(b"abcdefgh"));
        let body = ResponseBody::from_stream(chunks());
        assert!(matches!(body.collect_limited(7).await, Err(CollectError::TooLarge)));
        assert!(ResponseBody::empty().collect_limited(0).await.unwrap().is_empty());
    }
}
