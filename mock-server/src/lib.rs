//! # wechatpay-mock
//!
//! The sandbox WeChat Pay APIv3 never shipped: a local server for 平台收付通 that verifies
//! request signatures for real, signs every response, encrypts callbacks, and keeps
//! per-tenant business state on a virtual clock you can move through an admin API.
//!
//! Start it inside a test:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use wechatpay_mock::MockServer;
//!
//! let mock = MockServer::start().await; // 127.0.0.1, random port, built-in test identity
//! let id = mock.identity();
//! let signer = id.merchant_signer()?; // signs as merchant 1900000100
//! let verifier = id.verifier()?; // trusts what the mock signs responses with
//! println!("{} {} {}", mock.base_url(), id.mchid, id.merchant_serial);
//! # let _ = (signer, verifier);
//! mock.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! or run the binary: `cargo run -p wechatpay-mock` (see docs/mock-server.md).
//!
//! ## Layout
//!
//! - [`protocol`]: the layer on every API route: request verification, response signing,
//!   `Request-ID`, journal; [`Caller`] for handlers, with sensitive-field decryption.
//! - `areas`: one module per API area (routes, state, state machine), merged in [`app`].
//! - `admin`: the admin API under `/mock/admin`, one module per concern.
//! - [`store`] (business state with all-or-nothing transactions), [`ledger`] (double-entry
//!   money of each tenant, an area of the store), [`callbacks`] (the outbox areas enqueue
//!   notifications into, and the dispatcher that POSTs them with retries on virtual time),
//!   [`faults`] (reproducible injected errors, latency, withheld answers, callback faults),
//!   [`clock`] (virtual clocks), [`journal`], [`policy`] (transition timing), [`tenant`],
//!   [`config`].
//! - [`testing`]: signed canned responses and callbacks for stub-server tests.
#![forbid(unsafe_code)]
// Every request body, header and admin call is external input: no unwrap, expect, panic! or
// indexing that could panic on it (unit tests may).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

pub mod callbacks;
pub mod clock;
pub mod config;
pub mod error;
pub mod extract;
pub mod faults;
pub mod identity;
pub mod journal;
pub mod ledger;
pub mod notification;
pub mod persist;
pub mod policy;
pub mod process;
pub mod protocol;
pub mod server;
pub mod signing;
pub mod sim;
pub mod state;
pub mod store;
pub mod tenant;
pub mod testing;

mod admin;
mod areas;
mod dashboard;
#[cfg(test)]
mod test_support;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::Router;

pub use crate::config::{KeyMode, MockConfig, TenantConfig};
pub use crate::error::{ApiError, ConfigError, Location, StartError};
pub use crate::identity::Credentials;
pub use crate::protocol::Caller;
pub use crate::server::{serve, MockServer, MockServerBuilder};
pub use crate::state::MockState;

/// The prefix of the admin API.
pub const ADMIN_PREFIX: &str = admin::PREFIX;

/// The whole application: API areas behind the protocol layer, the admin API beside it.
/// Serve it with [`serve`], or call it directly with `tower::ServiceExt::oneshot` in tests.
pub fn app(state: MockState) -> Router {
    let api = api_routes()
        // Innermost, right around the handlers: in durable mode (`--data-dir`) each request
        // runs as a journaled command (see `persist`); otherwise a pass-through.
        .layer(from_fn_with_state(state.clone(), persist::api_layer))
        // Inside the protocol layer: faults apply to verified requests only, and an injected
        // error is signed and journaled like any answer.
        .layer(from_fn_with_state(state.clone(), faults::layer))
        // The protocol layer enforces `max_body_bytes` while buffering the body; axum's own
        // 2 MB default would otherwise refuse media uploads below that limit.
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), protocol::layer));
    Router::new()
        .nest(admin::PREFIX, admin::routes(state.clone()))
        .merge(dashboard::routes())
        .merge(api)
        .with_state(state)
}

/// The API areas' routes, without the protocol and fault layers: what [`app`] serves
/// behind them, and what the durable-state replay calls directly.
fn api_routes() -> Router<MockState> {
    Router::new()
        .merge(areas::certificates::routes())
        .merge(areas::echo::routes())
        .merge(areas::applyment::routes())
        .merge(areas::media::routes())
        .merge(areas::settlement::routes())
        .merge(areas::payments::routes())
        .merge(areas::oauth::routes())
        .merge(areas::refunds::routes())
        .merge(areas::profitsharing::routes())
        .merge(areas::subsidies::routes())
        .merge(areas::fund::routes())
        .merge(areas::withdraw::routes())
        .merge(areas::bill::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found("RESOURCE_NOT_EXISTS", "资源不存在").with_detail(
        wechatpay_models::error::ErrorDetail {
            issue: Some(format!(
                "no API at {}; the mock serves the paths listed in docs/mock-server.md",
                uri.path()
            )),
            location: Some(Location::Path.as_str().to_owned()),
            ..Default::default()
        },
    )
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "INVALID_REQUEST",
        format!("{method} 不支持此接口"),
    )
    .with_detail(wechatpay_models::error::ErrorDetail {
        issue: Some(format!("{} does not take {method}", uri.path())),
        location: Some(Location::Path.as_str().to_owned()),
        ..Default::default()
    })
}
