//! Running the mock: [`serve`] (the one entry point of the binary and the library) and
//! [`MockServer`], an in-process server on a random loopback port for tests.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use wechatpay_crypto::Clock;

use crate::config::{KeyMode, MockConfig, TenantConfig};
use crate::error::{Secret, StartError};
use crate::identity::Credentials;
use crate::state::MockState;

/// Serves the mock on `listener` until `shutdown` completes, then finishes in-flight
/// requests and returns. The callback dispatcher runs meanwhile.
///
/// # Errors
/// I/O errors of the listener.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let state = wechatpay_mock::MockState::new(&wechatpay_mock::MockConfig::default())?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:9966").await?;
/// wechatpay_mock::serve(listener, state, async { let _ = tokio::signal::ctrl_c().await; }).await?;
/// # Ok(()) }
/// ```
pub async fn serve<F>(listener: TcpListener, state: MockState, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    // The callback dispatcher lives as long as the server: dropping the handle stops it.
    let _dispatcher = crate::callbacks::spawn(state.clone());
    axum::serve(listener, crate::app(state)).with_graceful_shutdown(shutdown).await
}

/// A mock server running inside the test process, on `127.0.0.1` and a random port, with
/// its own state. Dropping it stops it; [`MockServer::shutdown`] waits for it to stop.
///
/// ```no_run
/// # async fn run() {
/// let mock = wechatpay_mock::MockServer::start().await;
/// let url = format!("{}/v3/certificates", mock.base_url());
/// let signer = mock.identity().merchant_signer().unwrap();
/// # let _ = (url, signer);
/// # }
/// ```
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: MockState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl MockServer {
    /// Starts a mock with the built-in test identity (certificate mode).
    ///
    /// # Panics
    /// If no loopback port can be bound: a test environment problem, reported loudly the
    /// way test servers do. Use [`MockServer::builder`] to get the error instead.
    // The one documented panic: a convenience constructor for tests (see `# Panics`).
    #[allow(clippy::panic)]
    pub async fn start() -> Self {
        match Self::builder().start().await {
            Ok(server) => server,
            Err(e) => panic!("the WeChat Pay mock server could not start: {e:?}"),
        }
    }

    /// A builder to choose the key mode, tenants or clock.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Credentials of the default (first) tenant: the built-in identity unless configured otherwise.
    pub fn identity(&self) -> &Credentials {
        self.state.tenants().default_tenant().credentials()
    }

    /// Credentials of the tenant with `mchid`.
    pub fn tenant_identity(&self, mchid: &str) -> Option<&Credentials> {
        self.state.tenant(mchid).map(|t| t.credentials())
    }

    /// The server's state: store, journal, clocks (what the admin API acts on).
    pub fn state(&self) -> &MockState {
        &self.state
    }

    /// Stops accepting connections, finishes in-flight requests and waits for the server task.
    ///
    /// # Errors
    /// The server's I/O error, if it failed.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            None => Ok(()),
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Drop cannot wait; aborting also closes kept-alive connections at once.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Configures a [`MockServer`].
#[derive(Debug)]
pub struct MockServerBuilder {
    config: MockConfig,
    key_mode: Option<KeyMode>,
    clock: Option<Arc<dyn Clock>>,
    addr: SocketAddr,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            config: MockConfig::default(),
            key_mode: None,
            clock: None,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        }
    }
}

impl MockServerBuilder {
    /// The key mode of the built-in tenant.
    #[must_use]
    pub fn key_mode(mut self, mode: KeyMode) -> Self {
        self.key_mode = Some(mode);
        self
    }

    /// A whole configuration (tenants, timing, limits).
    #[must_use]
    pub fn config(mut self, config: MockConfig) -> Self {
        self.config = config;
        self
    }

    /// Adds a tenant.
    #[must_use]
    pub fn tenant(mut self, tenant: TenantConfig) -> Self {
        self.config.tenants.push(tenant);
        self
    }

    /// The base clock of every tenant (virtual clocks add their offsets to it).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Requires this admin token.
    #[must_use]
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.config.admin_token = Some(Secret::new(token));
        self
    }

    /// Listens on `addr` instead of `127.0.0.1:0`.
    #[must_use]
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Builds the state without serving (for `app(state).oneshot(…)` tests).
    ///
    /// # Errors
    /// [`StartError::Config`].
    pub fn build_state(&self) -> Result<MockState, StartError> {
        let mut config = self.config.clone();
        if let Some(mode) = self.key_mode {
            match config.tenants.iter_mut().find(|t| t.mchid == crate::identity::SP_MCHID) {
                Some(t) => t.key_mode = mode,
                None => config
                    .tenants
                    .insert(0, TenantConfig { key_mode: mode, ..TenantConfig::builtin() }),
            }
        }
        let state = match &self.clock {
            Some(c) => MockState::with_clock(&config, c.clone())?,
            None => MockState::new(&config)?,
        };
        Ok(state)
    }

    /// Binds and starts serving in a background task.
    ///
    /// # Errors
    /// [`StartError::Config`] or [`StartError::Bind`].
    pub async fn start(self) -> Result<MockServer, StartError> {
        let state = self.build_state()?;
        let listener = TcpListener::bind(self.addr)
            .await
            .map_err(|source| StartError::Bind { addr: self.addr, source })?;
        let addr =
            listener.local_addr().map_err(|source| StartError::Bind { addr: self.addr, source })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state.clone(), async move {
            let _ = stopped.await;
        }));
        Ok(MockServer { addr, state, stop: Some(stop), task: Some(task) })
    }
}
