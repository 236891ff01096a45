//! The low-level request builder: any method and path, signed and verified exactly like a
//! typed [`Operation`](crate::Operation).

use std::fmt;

use bytes::Bytes;
use http::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{BuildError, Error};
use crate::multipart::Multipart;
use crate::operation::{BuildContext, RequestBody, RequestSpec};
use crate::path::ApiPath;
use crate::response::RawResponse;
use crate::transport::Transport;

type DeferredJson =
    Box<dyn FnOnce(&mut BuildContext<'_>) -> Result<serde_json::Value, BuildError> + Send>;

enum Body {
    Ready(RequestBody),
    /// Built at send time, when the encryption key is known.
    Deferred(DeferredJson),
}

/// A request under construction; made by [`Transport::request`].
pub struct RequestBuilder {
    transport: Transport,
    spec: RequestSpec,
    body: Body,
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder").field("spec", &self.spec).finish_non_exhaustive()
    }
}

impl RequestBuilder {
    pub(crate) fn new(transport: Transport, method: Method, path: String) -> Self {
        let spec = RequestSpec::new(method, ApiPath::from_owned(path));
        Self { transport, spec, body: Body::Ready(RequestBody::Empty) }
    }

    /// Appends a query parameter, percent-encoded once.
    #[must_use]
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.spec = self.spec.query(key, value);
        self
    }

    /// Serialises `value` as the JSON body now.
    ///
    /// # Errors
    /// [`Error::Build`] if it does not serialise.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value).map_err(BuildError::Serialize)?;
        self.body = Body::Ready(RequestBody::Json(Bytes::from(bytes)));
        Ok(self)
    }

    /// Builds the JSON body at send time with access to sensitive-field encryption; the
    /// key's serial is then sent as `Wechatpay-Serial`.
    ///
    /// ```no_run
    /// # async fn run(transport: wechatpay_transport::Transport) -> Result<(), wechatpay_transport::Error> {
    /// use wechatpay_transport::http::Method;
    /// let answer = transport
    ///     .request(Method::POST, "/v3/ecommerce/applyments/")
    ///     .json_with(|ctx| {
    ///         Ok(serde_json::json!({
    ///             "out_request_no": "APPLYMENT_00000000001",
    ///             "id_card_info": { "id_card_name": ctx.encrypt("张三")? },
    ///         }))
    ///     })
    ///     .send()
    ///     .await?;
    /// # let _ = answer; Ok(()) }
    /// ```
    #[must_use]
    pub fn json_with<F>(mut self, build: F) -> Self
    where
        F: FnOnce(&mut BuildContext<'_>) -> Result<serde_json::Value, BuildError> + Send + 'static,
    {
        self.body = Body::Deferred(Box::new(build));
        self
    }

    /// Uses already-serialised JSON bytes as the body, unchanged.
    #[must_use]
    pub fn json_bytes(mut self, bytes: impl Into<Bytes>) -> Self {
        self.body = Body::Ready(RequestBody::Json(bytes.into()));
        self
    }

    /// Sends a media upload (`meta` + `file` parts; the signature covers the meta).
    #[must_use]
    pub fn multipart(mut self, upload: Multipart) -> Self {
        self.body = Body::Ready(RequestBody::Multipart(upload));
        self
    }

    /// Allows retries of a non-GET request (see [`RequestSpec::idempotent`]).
    #[must_use]
    pub fn idempotent(mut self) -> Self {
        self.spec = self.spec.idempotent();
        self
    }

    /// Accepts an unsigned 2xx response (only for endpoints WeChat Pay does not sign).
    #[must_use]
    pub fn unsigned_response(mut self) -> Self {
        self.spec = self.spec.unsigned_response();
        self
    }

    /// Caps the response body size.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.spec = self.spec.max_response_bytes(limit);
        self
    }

    /// Sends the request and returns the verified 2xx response.
    ///
    /// # Errors
    /// As [`Transport::execute`]: non-2xx answers are [`Error::Api`].
    pub async fn send(self) -> Result<RawResponse, Error> {
        let Self { transport, spec, body } = self;
        transport
            .send_built(move |ctx| {
                let body = match body {
                    Body::Ready(b) => b,
                    Body::Deferred(build) => {
                        let value = build(ctx)?;
                        RequestBody::Json(Bytes::from(
                            serde_json::to_vec(&value).map_err(BuildError::Serialize)?,
                        ))
                    }
                };
                Ok(with_body(spec, body))
            })
            .await
    }

    /// Sends the request and decodes the verified body as `T`.
    ///
    /// # Errors
    /// As [`send`](Self::send), plus [`Error::Decode`].
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send().await?.json()
    }
}

fn with_body(spec: RequestSpec, body: RequestBody) -> RequestSpec {
    match body {
        RequestBody::Empty => spec,
        RequestBody::Json(b) => spec.json_bytes(b),
        RequestBody::Raw { content_type, bytes } => spec.raw_body(content_type, bytes),
        RequestBody::Multipart(m) => spec.multipart(m),
    }
}
