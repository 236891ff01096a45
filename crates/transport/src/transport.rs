//! [`Transport`]: the one request path. Build once (encrypt, serialise, encode), then per
//! attempt sign and send, with retries and backup-host failover; then verify before anything
//! is parsed.

use std::fmt;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, StatusCode};
use tracing::{field, Instrument};
use wechatpay_crypto::{ApiV3Key, Certificate, Clock, MerchantSigner, SerialNo, SignatureHeaders};
use zeroize::Zeroizing;

use crate::builder::{BaseUrl, TransportBuilder};
use crate::certificates::{
    decrypt_certificate_list, parse_certificate_list, verify_with_new_certificates,
};
use crate::download::{ByteStream, Download};
use crate::error::{
    ApiError, BuildError, ConfigError, DecodeError, DispatchError, DispatchErrorKind, Error,
    VerifyError,
};
use crate::http_client::{
    CollectError, HttpClient, HttpError, HttpErrorKind, ResponseBody, SharedHttpClient,
};
use crate::key_store::{KeyStore, RefreshReason};
use crate::operation::{BuildContext, Operation, RequestBody, RequestSpec};
use crate::path::{encode_query, truncate, validate_target};
use crate::request_builder::RequestBuilder;
use crate::response::{request_id, signature, RawResponse, Signature, WECHATPAY_SERIAL};
use crate::retry::{is_retryable_status, retry_after, RetryPolicy};

/// The most bytes of an error body kept when a download fails.
const MAX_ERROR_BODY_BYTES: u64 = 64 * 1024;

/// The signed HTTP client for WeChat Pay APIv3.
///
/// Cheap to clone (an `Arc` inside), `Send + Sync`; share one per merchant.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) signer: MerchantSigner,
    pub(crate) api_v3_key: Option<ApiV3Key>,
    pub(crate) keys: KeyStore,
    pub(crate) base: BaseUrl,
    pub(crate) backup: Option<BaseUrl>,
    pub(crate) http: SharedHttpClient,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) max_response_bytes: u64,
    pub(crate) refresh_interval: Duration,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("mchid", &self.inner.signer.mchid())
            .field("merchant_serial", self.inner.signer.serial())
            .field("base_url", &self.inner.base.origin)
            .field("backup_base_url", &self.inner.backup.as_ref().map(|b| &b.origin))
            .field("keys", &self.inner.keys)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Which configured host a request starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    Primary,
    Backup,
}

/// Whether the body is read before returning (API calls) or streamed (downloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyMode {
    Buffered,
    Streaming,
}

/// A request ready to sign and send: every byte that is signed is fixed here, once.
pub(crate) struct Prepared {
    pub(crate) method: Method,
    /// Path plus `?query`, exactly as sent and signed.
    pub(crate) target: String,
    pub(crate) body: Bytes,
    /// What the signature covers: the body, or the meta JSON of an upload.
    pub(crate) signed_body: Bytes,
    pub(crate) content_type: Option<String>,
    pub(crate) wechatpay_serial: Option<SerialNo>,
    pub(crate) response_signed: bool,
    pub(crate) retryable: bool,
    pub(crate) max_response_bytes: u64,
    pub(crate) start: Host,
}

impl Prepared {
    fn path(&self) -> &str {
        self.target.split_once('?').map_or(self.target.as_str(), |(p, _)| p)
    }
}

pub(crate) enum ReceivedBody {
    Full(Bytes),
    Stream(ResponseBody),
}

pub(crate) struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: ReceivedBody,
    pub(crate) attempts: u32,
}

/// Why one attempt failed.
enum AttemptFailure {
    Build(BuildError),
    Dispatch(DispatchErrorKind, Option<HttpError>),
}

impl From<BuildError> for AttemptFailure {
    fn from(e: BuildError) -> Self {
        Self::Build(e)
    }
}

impl Transport {
    /// Starts configuring a transport.
    pub fn builder() -> TransportBuilder {
        TransportBuilder::new()
    }

    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self { inner: Arc::new(inner) }
    }

    /// Executes an operation: builds, signs, sends (with retries and failover), verifies the
    /// response signature, then decodes the body into `Op::Output`.
    ///
    /// # Errors
    /// [`Error::Build`], [`Error::Dispatch`], [`Error::Verify`] (a 2xx without a valid
    /// signature never reaches the caller), [`Error::Api`] for non-2xx answers, and
    /// [`Error::Decode`].
    pub async fn execute<Op: Operation>(&self, op: &Op) -> Result<Op::Output, Error> {
        self.execute_raw(op).await?.json()
    }

    /// Like [`execute`](Self::execute), returning the verified response undecoded.
    ///
    /// # Errors
    /// As [`execute`](Self::execute), without [`Error::Decode`].
    pub async fn execute_raw<Op: Operation>(&self, op: &Op) -> Result<RawResponse, Error> {
        self.send_built(|ctx| op.build(ctx)).await
    }

    /// A low-level request to any path, signed and verified exactly like typed calls.
    ///
    /// `path` is sent as given (it may carry an encoded `?query`); build it with
    /// [`path!`](crate::path!) when it holds variables.
    ///
    /// ```no_run
    /// # async fn run(transport: wechatpay_transport::Transport) -> Result<(), wechatpay_transport::Error> {
    /// use wechatpay_transport::http::Method;
    /// let order: serde_json::Value = transport
    ///     .request(Method::GET, "/v3/pay/partner/transactions/out-trade-no/P20260101001")
    ///     .query("sp_mchid", "1900000100")
    ///     .query("sub_mchid", "1900000109")
    ///     .send_json()
    ///     .await?;
    /// # let _ = order; Ok(()) }
    /// ```
    pub fn request(&self, method: Method, path: impl Into<String>) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, path.into())
    }

    /// Downloads a file from an absolute URL (a bill's `download_url`), streaming its body
    /// with at most `max_bytes` bytes. The URL is followed only if its scheme and host are
    /// the configured base URL's (or the backup's); the request is signed over its path and
    /// query. The file is not signed by WeChat Pay: check its digest (`hash_value`) while
    /// reading (see [`wechatpay_crypto::digest::Hasher`]).
    ///
    /// # Errors
    /// [`BuildError::ForeignUrl`] for another host; as [`execute`](Self::execute) otherwise.
    /// Reading the stream fails with [`DispatchErrorKind::BodyTooLarge`] past `max_bytes`.
    pub async fn download(&self, url: &str, max_bytes: u64) -> Result<Download, Error> {
        let (start, target) = self.match_download_url(url)?;
        let p = Prepared {
            method: Method::GET,
            target,
            body: Bytes::new(),
            signed_body: Bytes::new(),
            content_type: None,
            wechatpay_serial: self.inner.keys.announced_serial().cloned(),
            response_signed: false,
            retryable: true,
            max_response_bytes: max_bytes,
            start,
        };
        let span = request_span(&p);
        async {
            let started = Instant::now();
            let result = self.run(&p, BodyMode::Streaming).await;
            let result = match result {
                Ok(Received { status, headers, body: ReceivedBody::Stream(body), attempts })
                    if status.is_success() =>
                {
                    record(
                        &tracing::Span::current(),
                        status,
                        request_id(&headers).as_deref(),
                        started,
                        attempts,
                    );
                    let request_id = request_id(&headers);
                    Ok(Download::new(
                        status,
                        headers,
                        request_id,
                        ByteStream::new(body, max_bytes, self.inner.timeout),
                    ))
                }
                Ok(received) => {
                    let attempts = received.attempts;
                    let status = received.status;
                    let rid = request_id(&received.headers);
                    record(&tracing::Span::current(), status, rid.as_deref(), started, attempts);
                    match self.finish(received, &p).await {
                        // A non-2xx always ends in an error; a 2xx arrives here only if the
                        // client buffered it, which `exchange` never does for downloads.
                        Ok(raw) => Ok(Download::new(
                            raw.status,
                            raw.headers,
                            raw.request_id,
                            ByteStream::from_bytes(raw.body),
                        )),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            log_outcome(&result.as_ref().map(|_| ()));
            result
        }
        .instrument(span)
        .await
    }

    /// Decrypts a response field that WeChat Pay encrypted to the merchant's API key
    /// (RSA-OAEP), e.g. an applyment's `account_name` or a fund-flow bill's `encrypt_key`.
    ///
    /// # Errors
    /// [`Error::Decode`] (target `sensitive field`) if it does not decrypt to UTF-8.
    pub fn decrypt_field(&self, ciphertext: &str) -> Result<Zeroizing<String>, Error> {
        self.inner.signer.key().decrypt_field(ciphertext).map_err(|e| {
            Error::Decode(DecodeError::new("sensitive field", None, None, Bytes::new(), e))
        })
    }

    /// The trusted WeChat Pay keys (also a [`wechatpay_crypto::VerifySignature`] for callbacks).
    pub fn key_store(&self) -> &KeyStore {
        &self.inner.keys
    }

    /// Downloads platform certificates now (certificate and mixed modes; a no-op in
    /// public-key mode). Concurrent calls share one download.
    ///
    /// # Errors
    /// As [`execute`](Self::execute), plus [`VerifyError::PlatformCertificate`] when a
    /// certificate does not decrypt (usually a wrong APIv3 key).
    pub async fn refresh_certificates(&self) -> Result<(), Error> {
        self.inner
            .keys
            .refresh_with(RefreshReason::Forced, || self.download_certificates())
            .await
            .map(drop)
    }

    /// Spawns a tokio task that downloads platform certificates every refresh interval
    /// (default 12 h), instead of waiting for a call to notice they are due. The task ends
    /// when the returned handle is dropped or every `Transport` clone is gone.
    pub fn spawn_certificate_refresh(&self) -> RefreshTask {
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let interval = self.inner.refresh_interval;
        let handle = tokio::spawn(async move {
            loop {
                tokio::time::sleep(interval).await;
                let Some(inner) = weak.upgrade() else { break };
                let transport = Transport { inner };
                if let Err(error) = transport.refresh_certificates().await {
                    tracing::warn!(error = %error_chain(&error), "scheduled platform certificate refresh failed");
                }
            }
        });
        RefreshTask { handle }
    }

    /// The merchant id requests are signed with.
    pub fn mchid(&self) -> &str {
        self.inner.signer.mchid()
    }

    /// The merchant API certificate serial.
    pub fn merchant_serial(&self) -> &SerialNo {
        self.inner.signer.serial()
    }

    /// The APIv3 key, if configured (wechatpay-notify needs it to decrypt callbacks).
    pub fn api_v3_key(&self) -> Option<&ApiV3Key> {
        self.inner.api_v3_key.as_ref()
    }

    /// The clock in use.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The base URL (`https://api.mch.weixin.qq.com` by default).
    pub fn base_url(&self) -> &str {
        &self.inner.base.origin
    }

    /// The backup base URL, if any.
    pub fn backup_base_url(&self) -> Option<&str> {
        self.inner.backup.as_ref().map(|b| b.origin.as_str())
    }

    // ---- the request path -------------------------------------------------------------

    /// Makes sure keys are usable, builds the spec once with a snapshot of them, then sends.
    pub(crate) async fn send_built<F>(&self, build: F) -> Result<RawResponse, Error>
    where
        F: FnOnce(&mut BuildContext<'_>) -> Result<RequestSpec, BuildError>,
    {
        self.ensure_keys().await?;
        let prepared = {
            let verifier = self.inner.keys.snapshot();
            let mut ctx = BuildContext::new(&verifier, self.inner.clock.now_unix());
            let spec = build(&mut ctx)?;
            let serial = ctx.into_encryption_serial();
            self.prepare(spec, serial)?
        };
        self.send_prepared(prepared).await
    }

    async fn send_prepared(&self, p: Prepared) -> Result<RawResponse, Error> {
        let span = request_span(&p);
        async {
            let started = Instant::now();
            let result = match self.run(&p, BodyMode::Buffered).await {
                Ok(received) => {
                    record(
                        &tracing::Span::current(),
                        received.status,
                        request_id(&received.headers).as_deref(),
                        started,
                        received.attempts,
                    );
                    self.finish(received, &p).await
                }
                Err(e) => Err(e),
            };
            log_outcome(&result.as_ref().map(|_| ()));
            result
        }
        .instrument(span)
        .await
    }

    /// Downloads certificate mode's first certificates, or refreshes stale ones (best effort).
    async fn ensure_keys(&self) -> Result<(), Error> {
        let keys = &self.inner.keys;
        if keys.needs_initial_download() {
            keys.refresh_with(RefreshReason::Initial, || self.download_certificates()).await?;
        } else if keys.is_stale(self.inner.clock.now_unix()) {
            if let Err(error) =
                keys.refresh_with(RefreshReason::Stale, || self.download_certificates()).await
            {
                // The current certificates are still valid; the next call will try again
                // once the minimum interval has passed.
                tracing::warn!(error = %error_chain(&error), "platform certificate refresh failed; keeping the current certificates");
            }
        }
        Ok(())
    }

    /// Fixes the request-target, body bytes and headers of a spec.
    pub(crate) fn prepare(
        &self,
        spec: RequestSpec,
        encryption_serial: Option<SerialNo>,
    ) -> Result<Prepared, BuildError> {
        if let Some(reason) = spec.path.error() {
            return Err(BuildError::InvalidPath {
                path: truncate(spec.path.as_str(), 256),
                reason,
            });
        }
        let mut target = spec.path.as_str().to_owned();
        if !spec.query.is_empty() {
            target.push(if target.contains('?') { '&' } else { '?' });
            target.push_str(&encode_query(&spec.query));
        }
        validate_target(&target)
            .map_err(|reason| BuildError::InvalidPath { path: truncate(&target, 256), reason })?;
        let retryable = spec.is_idempotent();
        let (body, signed_body, content_type) = match spec.body {
            RequestBody::Empty => (Bytes::new(), Bytes::new(), None),
            RequestBody::Json(b) => (b.clone(), b, Some("application/json".to_owned())),
            RequestBody::Raw { content_type, bytes } => (bytes.clone(), bytes, Some(content_type)),
            RequestBody::Multipart(m) => {
                let boundary = multipart_boundary(&m)?;
                let body = m.encode(&boundary);
                (
                    body,
                    Bytes::from(m.meta_json().to_owned()),
                    Some(format!("multipart/form-data; boundary={boundary}")),
                )
            }
        };
        Ok(Prepared {
            method: spec.method,
            target,
            body,
            signed_body,
            content_type,
            wechatpay_serial: encryption_serial
                .or_else(|| self.inner.keys.announced_serial().cloned()),
            response_signed: spec.response_signed,
            retryable,
            max_response_bytes: spec.max_response_bytes.unwrap_or(self.inner.max_response_bytes),
            start: Host::Primary,
        })
    }

    /// Attempts until success, a non-retryable outcome, or the retry budget is spent.
    pub(crate) async fn run(&self, p: &Prepared, mode: BodyMode) -> Result<Received, Error> {
        let max_attempts = self.inner.retry.max_attempts.max(1);
        let mut hosts_tried = Vec::new();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let may_retry = attempt < max_attempts;
            match self.attempt(p, mode, &mut hosts_tried).await {
                Ok(mut received) => {
                    if may_retry && p.retryable && is_retryable_status(received.status) {
                        let delay =
                            self.inner.retry.backoff(attempt, retry_after(&received.headers));
                        tracing::debug!(
                            status = received.status.as_u16(),
                            attempt,
                            delay_ms = delay.as_millis(),
                            "retrying after status"
                        );
                        drop(received);
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    received.attempts = attempt;
                    return Ok(received);
                }
                Err(AttemptFailure::Build(e)) => return Err(e.into()),
                Err(AttemptFailure::Dispatch(kind, source)) => {
                    // A connection that never opened sent nothing, so any method may repeat;
                    // after that only an idempotent request may.
                    let retry_kind = match kind {
                        DispatchErrorKind::Connect => true,
                        DispatchErrorKind::Timeout | DispatchErrorKind::Io => p.retryable,
                        DispatchErrorKind::BodyTooLarge { .. } => false,
                    };
                    if may_retry && retry_kind {
                        let delay = self.inner.retry.backoff(attempt, None);
                        tracing::debug!(error = %kind, attempt, delay_ms = delay.as_millis(), "retrying after dispatch failure");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(DispatchError::new(kind, source)
                        .with_attempts(attempt, hosts_tried)
                        .into());
                }
            }
        }
    }

    /// One attempt: the starting host, then the backup if the primary could not be reached.
    async fn attempt(
        &self,
        p: &Prepared,
        mode: BodyMode,
        hosts_tried: &mut Vec<String>,
    ) -> Result<Received, AttemptFailure> {
        let first = match p.start {
            Host::Primary => &self.inner.base,
            Host::Backup => self.inner.backup.as_ref().unwrap_or(&self.inner.base),
        };
        hosts_tried.push(first.origin.clone());
        let result = self.exchange(first, p, mode).await;
        match (result, p.start, self.inner.backup.as_ref()) {
            (
                Err(AttemptFailure::Dispatch(DispatchErrorKind::Connect, source)),
                Host::Primary,
                Some(backup),
            ) => {
                tracing::warn!(
                    primary = %first.origin,
                    backup = %backup.origin,
                    error = %source.as_ref().map(|e| error_chain(e)).unwrap_or_default(),
                    "primary host unreachable; failing over to the backup host"
                );
                hosts_tried.push(backup.origin.clone());
                self.exchange(backup, p, mode).await
            }
            (result, _, _) => result,
        }
    }

    /// Signs and sends to one host, reading the body (or its head, for streams) within the timeout.
    async fn exchange(
        &self,
        host: &BaseUrl,
        p: &Prepared,
        mode: BodyMode,
    ) -> Result<Received, AttemptFailure> {
        let request = self.http_request(host, p)?;
        let limit = p.max_response_bytes;
        let work = async {
            let response = self.inner.http.send(request).await.map_err(dispatch_failure)?;
            let (parts, body) = response.into_parts();
            let body = match mode {
                BodyMode::Streaming if parts.status.is_success() => ReceivedBody::Stream(body),
                // An error answer to a download is JSON of its own size, unrelated to the
                // file's limit.
                BodyMode::Streaming => {
                    ReceivedBody::Full(collect(body, MAX_ERROR_BODY_BYTES).await?)
                }
                BodyMode::Buffered => ReceivedBody::Full(collect(body, limit).await?),
            };
            Ok(Received { status: parts.status, headers: parts.headers, body, attempts: 1 })
        };
        match tokio::time::timeout(self.inner.timeout, work).await {
            Ok(result) => result,
            Err(_elapsed) => Err(AttemptFailure::Dispatch(DispatchErrorKind::Timeout, None)),
        }
    }

    /// The HTTP request for one attempt, with a fresh `Authorization` (new timestamp and nonce).
    fn http_request(
        &self,
        host: &BaseUrl,
        p: &Prepared,
    ) -> Result<http::Request<Bytes>, BuildError> {
        let auth = self
            .inner
            .signer
            .authorize(p.method.as_str(), &p.target, &p.signed_body)
            .map_err(BuildError::Sign)?;
        let invalid = |reason| BuildError::InvalidPath { path: truncate(&p.target, 256), reason };
        let uri: http::Uri = format!("{}{}", host.origin, p.target)
            .parse()
            .map_err(|_| invalid("does not form a valid URI"))?;
        let mut authorization = HeaderValue::from_str(&auth.to_header_value())
            .map_err(|_| invalid("Authorization is not a valid header"))?;
        // Keeps the value out of hyper's and most middlewares' debug output.
        authorization.set_sensitive(true);
        let mut builder = http::Request::builder()
            .method(p.method.clone())
            .uri(uri)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, self.inner.user_agent.clone());
        if let Some(ct) = &p.content_type {
            builder = builder.header(
                CONTENT_TYPE,
                HeaderValue::from_str(ct)
                    .map_err(|_| invalid("content type is not a valid header"))?,
            );
        }
        if let Some(serial) = &p.wechatpay_serial {
            builder = builder.header(
                WECHATPAY_SERIAL,
                HeaderValue::from_str(serial.as_str())
                    .map_err(|_| invalid("Wechatpay-Serial is not a valid header"))?,
            );
        }
        builder.body(p.body.clone()).map_err(|_| invalid("does not form a valid request"))
    }

    /// Verifies (or, for non-2xx, classifies) a buffered response.
    async fn finish(&self, received: Received, p: &Prepared) -> Result<RawResponse, Error> {
        let Received { status, headers, body, .. } = received;
        let body = match body {
            ReceivedBody::Full(b) => b,
            ReceivedBody::Stream(s) => {
                collect(s, p.max_response_bytes).await.map_err(|f| match f {
                    AttemptFailure::Dispatch(kind, source) => {
                        Error::Dispatch(DispatchError::new(kind, source))
                    }
                    AttemptFailure::Build(e) => Error::Build(e),
                })?
            }
        };
        let request_id = request_id(&headers);
        let sig = signature(&headers);
        if status.is_success() {
            if p.response_signed {
                match sig {
                    Signature::Absent => {
                        return Err(VerifyError::MissingSignature {
                            status,
                            missing: "Wechatpay-Signature",
                            request_id,
                        }
                        .into())
                    }
                    Signature::Partial(missing) => {
                        return Err(
                            VerifyError::MissingSignature { status, missing, request_id }.into()
                        )
                    }
                    Signature::Present(h) => {
                        self.verify(&h, &body, status, request_id.as_deref()).await?
                    }
                }
            }
            return Ok(RawResponse { status, headers, body, request_id });
        }
        let verified = match sig {
            Signature::Present(h) => {
                self.verify(&h, &body, status, request_id.as_deref()).await?;
                true
            }
            Signature::Absent | Signature::Partial(_) => false,
        };
        Err(ApiError::new(status, body, request_id, verified).into())
    }

    /// Verifies against the current keys; on an unknown serial (certificate modes), downloads
    /// certificates once (shared, rate limited) and tries again.
    async fn verify(
        &self,
        h: &SignatureHeaders<'_>,
        body: &[u8],
        status: StatusCode,
        request_id: Option<&str>,
    ) -> Result<(), VerifyError> {
        let now = self.inner.clock.now_unix();
        let keys = &self.inner.keys;
        let mut result = keys.snapshot().verify(h, body, now);
        if keys.downloads_certificates()
            && matches!(result, Err(wechatpay_crypto::Error::UnknownSerial(_)))
        {
            match keys
                .refresh_with(RefreshReason::UnknownSerial(h.serial), || {
                    self.download_certificates()
                })
                .await
            {
                Ok(_) => result = keys.snapshot().verify(h, body, now),
                Err(error) => {
                    tracing::warn!(error = %error_chain(&error), "certificate download after an unknown serial failed")
                }
            }
        }
        result.map_err(|source| invalid_signature(h, status, request_id, source))
    }

    /// Verifies against the current keys only (used while downloading certificates, under
    /// the refresh lock, where another download would wait for itself).
    fn verify_snapshot(
        &self,
        h: &SignatureHeaders<'_>,
        body: &[u8],
        status: StatusCode,
        request_id: Option<&str>,
    ) -> Result<(), VerifyError> {
        let now = self.inner.clock.now_unix();
        self.inner
            .keys
            .snapshot()
            .verify(h, body, now)
            .map_err(|source| invalid_signature(h, status, request_id, source))
    }

    /// `GET /v3/certificates`, decrypted first and then verified with the certificates it
    /// carries plus those already trusted.
    async fn download_certificates(&self) -> Result<Vec<Certificate>, Error> {
        let api_v3_key =
            self.inner.api_v3_key.as_ref().ok_or(ConfigError::Missing("api_v3_key"))?;
        let p = self.prepare(RequestSpec::get("/v3/certificates"), None)?;
        let span = request_span(&p);
        async {
            let started = Instant::now();
            let received = self.run(&p, BodyMode::Buffered).await?;
            let Received { status, headers, body, attempts } = received;
            let rid = request_id(&headers);
            record(&tracing::Span::current(), status, rid.as_deref(), started, attempts);
            let ReceivedBody::Full(body) = body else {
                return Err(Error::Dispatch(DispatchError::new(DispatchErrorKind::Io, None)));
            };
            let sig = signature(&headers);
            if !status.is_success() {
                // No refresh here: this runs under the refresh lock, and the keys it would
                // fetch are the ones being fetched.
                let verified = match sig {
                    Signature::Present(h) => {
                        self.verify_snapshot(&h, &body, status, rid.as_deref())?;
                        true
                    }
                    Signature::Absent | Signature::Partial(_) => false,
                };
                return Err(ApiError::new(status, body, rid, verified).into());
            }
            let h = match sig {
                Signature::Present(h) => h,
                Signature::Absent => {
                    return Err(VerifyError::MissingSignature { status, missing: "Wechatpay-Signature", request_id: rid }.into())
                }
                Signature::Partial(missing) => return Err(VerifyError::MissingSignature { status, missing, request_id: rid }.into()),
            };
            let list = parse_certificate_list(&body, rid.clone())?;
            let certs = decrypt_certificate_list(&list, api_v3_key)?;
            let now = self.inner.clock.now_unix();
            verify_with_new_certificates(&self.inner.keys.snapshot(), &certs, &h, &body, now)
                .map_err(|source| invalid_signature(&h, status, rid.as_deref(), source))?;
            tracing::info!(serials = ?certs.iter().map(|c| c.serial().to_string()).collect::<Vec<_>>(), "platform certificates downloaded");
            Ok(certs)
        }
        .instrument(span)
        .await
    }

    /// Checks that a download URL points at a configured host; returns the host and the
    /// request-target to sign (path and query exactly as in the URL).
    fn match_download_url(&self, url: &str) -> Result<(Host, String), BuildError> {
        let foreign = |reason| BuildError::ForeignUrl { url: truncate(url, 256), reason };
        let uri: http::Uri = url.parse().map_err(|_| foreign("not a valid URL"))?;
        let host = if self.inner.base.matches(&uri) {
            Host::Primary
        } else if self.inner.backup.as_ref().is_some_and(|b| b.matches(&uri)) {
            Host::Backup
        } else {
            return Err(foreign(
                "its scheme and host are not the configured base URL's or backup's",
            ));
        };
        let target = uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .ok_or_else(|| foreign("has no path"))?;
        validate_target(&target)
            .map_err(|reason| BuildError::InvalidPath { path: truncate(&target, 256), reason })?;
        Ok((host, target))
    }
}

/// Stops a background refresh task when dropped.
#[derive(Debug)]
pub struct RefreshTask {
    handle: tokio::task::JoinHandle<()>,
}

impl RefreshTask {
    /// Stops the task.
    pub fn abort(&self) {
        self.handle.abort();
    }
}

impl Drop for RefreshTask {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

fn invalid_signature(
    h: &SignatureHeaders<'_>,
    status: StatusCode,
    request_id: Option<&str>,
    source: wechatpay_crypto::Error,
) -> VerifyError {
    VerifyError::InvalidSignature {
        status,
        serial: truncate(h.serial, 64),
        request_id: request_id.map(str::to_owned),
        source,
    }
}

fn dispatch_failure(e: HttpError) -> AttemptFailure {
    let kind = match e.kind() {
        HttpErrorKind::Connect => DispatchErrorKind::Connect,
        HttpErrorKind::Timeout => DispatchErrorKind::Timeout,
        HttpErrorKind::Io => DispatchErrorKind::Io,
    };
    AttemptFailure::Dispatch(kind, Some(e))
}

async fn collect(body: ResponseBody, limit: u64) -> Result<Bytes, AttemptFailure> {
    body.collect_limited(limit).await.map_err(|e| match e {
        CollectError::Http(e) => dispatch_failure(e),
        CollectError::TooLarge => {
            AttemptFailure::Dispatch(DispatchErrorKind::BodyTooLarge { limit }, None)
        }
    })
}

/// A boundary that does not occur in the body (retries with a fresh one in the unlikely case).
fn multipart_boundary(m: &crate::multipart::Multipart) -> Result<String, BuildError> {
    for _ in 0..4 {
        let random =
            wechatpay_crypto::nonce::random_alphanumeric(wechatpay_crypto::Backend::default(), 32)
                .map_err(BuildError::Sign)?;
        let boundary = format!("wechatpay-rs-{random}");
        if m.accepts_boundary(&boundary) {
            return Ok(boundary);
        }
    }
    Err(BuildError::invalid("file", "contains every multipart boundary tried"))
}

/// A span per exchange. The query is left out (download URLs carry tokens) and so are
/// headers and bodies (Authorization, sensitive fields).
fn request_span(p: &Prepared) -> tracing::Span {
    tracing::info_span!(
        "wechatpay_request",
        method = %p.method,
        path = %p.path(),
        status = field::Empty,
        request_id = field::Empty,
        latency_ms = field::Empty,
        attempts = field::Empty,
    )
}

fn record(
    span: &tracing::Span,
    status: StatusCode,
    request_id: Option<&str>,
    started: Instant,
    attempts: u32,
) {
    span.record("status", status.as_u16());
    if let Some(id) = request_id {
        span.record("request_id", id);
    }
    span.record("latency_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    span.record("attempts", attempts);
}

fn log_outcome(result: &Result<(), &Error>) {
    match result {
        Ok(()) => tracing::debug!("request succeeded"),
        Err(Error::Api(e)) => tracing::info!(
            code = e.code().unwrap_or(""),
            verified = e.is_verified(),
            "WeChat Pay returned an error"
        ),
        Err(e) => tracing::warn!(error = %error_chain(*e), "request failed"),
    }
}

/// The error and its sources joined by `: ` (STYLE: log the whole chain).
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(": ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}

    struct Op;
    impl Operation for Op {
        type Output = ();
        fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
            Ok(RequestSpec::get("/v3/x"))
        }
    }

    // Proves Transport is Send + Sync + Clone and its futures can be spawned.
    #[test]
    fn futures_are_send() {
        assert_send_sync::<Transport>();
        let transport = Transport::builder()
            .mchid("1900000100")
            .merchant_key_pem(
                include_str!("../../../fixtures/vectors/keys/apiclient_key.pem"),
                "ABC",
            )
            .api_v3_key(ApiV3Key::new("TestOnlyApiV3Key0123456789abcdef").unwrap())
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_send(&transport.execute(&Op));
        assert_send(&transport.download("http://127.0.0.1:9/x", 1));
        assert_send(&transport.request(Method::GET, "/v3/x").send());
        assert_send(&transport.refresh_certificates());
    }
}
