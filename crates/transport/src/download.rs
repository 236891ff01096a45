//! Streaming downloads (bills): the body arrives as a stream of chunks with a size limit and
//! an idle timeout, never buffered whole.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{Stream, StreamExt};
use http::{HeaderMap, StatusCode};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::time::{Instant, Sleep};

use crate::error::{DispatchError, DispatchErrorKind, Error};
use crate::http_client::{HttpErrorKind, ResponseBody};

/// A file being downloaded: the response head, and the body as a [`ByteStream`].
#[derive(Debug)]
pub struct Download {
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
    body: ByteStream,
}

impl Download {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        request_id: Option<String>,
        body: ByteStream,
    ) -> Self {
        Self { status, headers, request_id, body }
    }

    /// The status (2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// `Request-ID`, if sent.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The body.
    pub fn into_stream(self) -> ByteStream {
        self.body
    }
}

/// The body of a [`Download`]: a `Stream` of `Bytes` chunks, also usable as a tokio
/// [`AsyncRead`] through [`ByteStream::into_reader`].
///
/// The stream ends with an error (and then stops) when more than the download's
/// `max_bytes` arrive ([`DispatchErrorKind::BodyTooLarge`]), when no chunk arrives within
/// the transport's timeout ([`DispatchErrorKind::Timeout`]), or when the connection fails.
pub struct ByteStream {
    body: ResponseBody,
    limit: u64,
    received: u64,
    idle: Duration,
    sleep: Pin<Box<Sleep>>,
    done: bool,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("limit", &self.limit)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    pub(crate) fn new(body: ResponseBody, limit: u64, idle: Duration) -> Self {
        Self {
            body,
            limit,
            received: 0,
            idle,
            sleep: Box::pin(tokio::time::sleep(idle)),
            done: false,
        }
    }

    pub(crate) fn from_bytes(bytes: Bytes) -> Self {
        let limit = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        Self::new(ResponseBody::from_bytes(bytes), limit, Duration::from_secs(3600))
    }

    /// Bytes received so far.
    pub fn bytes_received(&self) -> u64 {
        self.received
    }

    /// Reads everything into memory (for small files only; the limit still applies).
    ///
    /// # Errors
    /// As the stream's items.
    pub async fn collect_bytes(mut self) -> Result<Bytes, Error> {
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.next().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(buf.freeze())
    }

    /// The body as a tokio [`AsyncRead`] (e.g. to feed a gzip decoder); errors become
    /// `std::io::Error`s wrapping the transport [`Error`].
    pub fn into_reader(self) -> ByteReader {
        ByteReader { stream: self, chunk: Bytes::new() }
    }

    fn fail(
        &mut self,
        kind: DispatchErrorKind,
        source: Option<crate::http_client::HttpError>,
    ) -> Poll<Option<Result<Bytes, Error>>> {
        self.done = true;
        Poll::Ready(Some(Err(Error::Dispatch(DispatchError::new(kind, source)))))
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.body.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
                self.received = self.received.saturating_add(len);
                if self.received > self.limit {
                    let limit = self.limit;
                    return self.fail(DispatchErrorKind::BodyTooLarge { limit }, None);
                }
                let deadline = Instant::now() + self.idle;
                self.sleep.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                let kind = match e.kind() {
                    HttpErrorKind::Connect => DispatchErrorKind::Connect,
                    HttpErrorKind::Timeout => DispatchErrorKind::Timeout,
                    HttpErrorKind::Io => DispatchErrorKind::Io,
                };
                self.fail(kind, Some(e))
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => match self.sleep.as_mut().poll(cx) {
                Poll::Ready(()) => self.fail(DispatchErrorKind::Timeout, None),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

/// A [`ByteStream`] as a tokio [`AsyncRead`].
#[derive(Debug)]
pub struct ByteReader {
    stream: ByteStream,
    chunk: Bytes,
}

impl AsyncRead for ByteReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        loop {
            if !self.chunk.is_empty() {
                let n = self.chunk.len().min(buf.remaining());
                let part = self.chunk.split_to(n);
                buf.put_slice(&part);
                return Poll::Ready(Ok(()));
            }
            match self.stream.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(chunk))) => self.chunk = chunk,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(std::io::Error::other(e))),
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;
    use tokio::io::AsyncReadExt;

    fn body(chunks: &'static [&'static [u8]]) -> ResponseBody {
        ResponseBody::from_stream(stream::iter(chunks.iter().map(|c| Ok(Bytes::from_static(c)))))
    }

    // Proves chunks pass through under the limit and the stream fails once, then ends, above it.
    #[tokio::test]
    async fn limit_is_enforced_while_streaming() {
        let s = ByteStream::new(body(&[b"abc", b"def"]), 6, Duration::from_secs(5));
        assert_eq!(s.collect_bytes().await.unwrap(), Bytes::from_static(b"abcdef"));
        let mut s = ByteStream::new(body(&[b"abc", b"def"]), 5, Duration::from_secs(5));
        assert_eq!(s.next().await.unwrap().unwrap(), Bytes::from_static(b"abc"));
        let err = s.next().await.unwrap().unwrap_err();
        assert!(
            matches!(err, Error::Dispatch(ref d) if d.kind() == DispatchErrorKind::BodyTooLarge { limit: 5 }),
            "{err:?}"
        );
        assert!(s.next().await.is_none());
    }

    // Proves a stalled body ends with a timeout error (virtual time, no sleeping).
    #[tokio::test(start_paused = true)]
    async fn stalled_body_times_out() {
        let stalled = ResponseBody::from_stream(stream::pending());
        let mut s = ByteStream::new(stalled, 10, Duration::from_secs(30));
        let err = s.next().await.unwrap().unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
    }

    // Proves the AsyncRead adapter yields the same bytes and surfaces the limit error.
    #[tokio::test]
    async fn reader_reads_all() {
        let mut out = Vec::new();
        ByteStream::new(body(&[b"ab", b"", b"cd"]), 10, Duration::from_secs(5))
            .into_reader()
            .read_to_end(&mut out)
            .await
            .unwrap();
        assert_eq!(out, b"abcd");
        let mut out = Vec::new();
        let err = ByteStream::new(body(&[b"ab", b"cd"]), 3, Duration::from_secs(5))
            .into_reader()
            .read_to_end(&mut out)
            .await
            .unwrap_err();
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<Error>()).unwrap();
        assert!(
            matches!(inner, Error::Dispatch(d) if d.kind() == DispatchErrorKind::BodyTooLarge { limit: 3 })
        );
    }
}
