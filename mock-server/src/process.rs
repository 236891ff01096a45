//! What a process that runs the mock in the foreground needs: when to stop, and the rule that
//! the admin API is never exposed beyond loopback without a token. Shared by the
//! `wechatpay-mock` binary and `wxpay mock`.

use std::net::IpAddr;

/// Completes on Ctrl-C, or SIGTERM on unix: pass it to [`serve`](crate::serve) as the
/// shutdown future.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM (or killing the process) stops it.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
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

/// Refuses to listen on a non-loopback address without an admin token: anyone on the
/// network could otherwise reset the mock or move its clock.
///
/// # Errors
/// A one-line explanation naming the address.
pub fn check_admin_exposure(addr: IpAddr, has_admin_token: bool) -> Result<(), String> {
    if addr.is_loopback() || has_admin_token {
        return Ok(());
    }
    Err(format!(
        "listening on {addr} (not loopback) needs --admin-token, or anyone on the network could reset the mock"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves loopback needs no token and any other address does.
    #[test]
    fn non_loopback_needs_a_token() {
        assert!(check_admin_exposure("127.0.0.1".parse().unwrap(), false).is_ok());
        assert!(check_admin_exposure("::1".parse().unwrap(), false).is_ok());
        let err = check_admin_exposure("0.0.0.0".parse().unwrap(), false).unwrap_err();
        assert!(err.contains("0.0.0.0") && err.contains("--admin-token"), "{err}");
        assert!(check_admin_exposure("0.0.0.0".parse().unwrap(), true).is_ok());
    }
}
