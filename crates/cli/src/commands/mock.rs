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
    let has_token = args.admin_token.is_some() || config.admin_token.is_some();
    wechatpay_mock::process::check_admin_exposure(args.addr, has_token).map_err(CliError::Usage)?;
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
    wechatpay_mock::serve(listener, state, wechatpay_mock::process::shutdown_signal())
        .await
        .map_err(|e| mock_err(Box::new(e)))
}
