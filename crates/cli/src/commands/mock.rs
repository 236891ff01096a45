//! `wxpay mock`: the mock server in the foreground, built with wechatpay-mock's own builder
//! (configuration file, key-mode override) and run by its `serve`, the entry point the
//! `wechatpay-mock` binary uses too.

use std::io::Write;
use std::net::SocketAddr;

use wechatpay_mock::{MockConfig, MockServer};

use crate::cli::{KeyModeArg, MockArgs};
use crate::config::Settings;
use crate::error::CliError;

/// Serves until Ctrl-C or SIGTERM.
pub(crate) async fn run(args: &MockArgs, settings: &Settings) -> Result<(), CliError> {
    let mock_err = |e: Box<dyn std::error::Error + Send + Sync>| CliError::Mock(e);
    let config = match &args.mock_config {
        Some(path) => MockConfig::from_file(path).map_err(|e| mock_err(Box::new(e)))?,
        None => MockConfig::default(),
    };
    // Exposing the admin API beyond loopback without a token would let anyone on the
    // network reset the mock (the same rule as the wechatpay-mock binary).
    let has_token = args.admin_token.is_some() || config.admin_token.is_some();
    if !args.addr.is_loopback() && !has_token {
        return Err(CliError::Usage(format!(
            "listening on {} (not loopback) needs --admin-token, or anyone on the network could reset the mock",
            args.addr
        )));
    }
    let mut builder = MockServer::builder().config(config);
    if let Some(mode) = settings.key_mode {
        builder = builder.key_mode(match mode {
            KeyModeArg::Certificate => wechatpay_mock::KeyMode::Certificate,
            KeyModeArg::PublicKey => wechatpay_mock::KeyMode::PublicKey,
            KeyModeArg::Mixed => wechatpay_mock::KeyMode::Mixed,
        });
    }
    if let Some(token) = &args.admin_token {
        builder = builder.admin_token(token.expose());
    }
    let state = builder.build_state().map_err(|e| mock_err(Box::new(e)))?;
    let addr = SocketAddr::new(args.addr, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| mock_err(format!("cannot listen on {addr}: {e}").into()))?;
    let bound = listener.local_addr().map_err(|e| mock_err(Box::new(e)))?;
    let base = format!("http://{bound}");
    // Only what wxpay needs: --mock already knows the built-in identity. The credentials
    // banner and key files are the wechatpay-mock binary's.
    // A closed stdout must not stop a running server, so write errors are ignored.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "wxpay mock: listening on {base} (TEST ONLY keys; admin API {base}{})",
        wechatpay_mock::ADMIN_PREFIX
    );
    let _ = writeln!(out, "try: wxpay --mock --base-url {base} certificates");
    let _ = out.flush();
    drop(out);
    wechatpay_mock::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| mock_err(Box::new(e)))
}

/// Ctrl-C, or SIGTERM on unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
