//! The admin API under `/mock/admin` (outside signature checking; JSON in and out;
//! protected by the admin token when one is set). One module per concern:
//!
//! | module | routes |
//! | --- | --- |
//! | [`tenants`] | `GET /mock/admin/tenants` |
//! | [`reset`] | `POST /mock/admin/reset` |
//! | [`clock`] | `GET /mock/admin/clock`, `POST /mock/admin/clock/advance` |
//! | [`journal`] | `GET /mock/admin/journal`, `DELETE /mock/admin/journal` |
//!
//! Adding a concern (ledger, callbacks, fault rules): write `admin/<name>.rs` with
//! `pub(crate) fn routes() -> Router<MockState>` using paths relative to the prefix, and
//! merge it in [`routes`].

pub(crate) mod clock;
pub(crate) mod journal;
pub(crate) mod reset;
pub(crate) mod tenants;
#[cfg(test)]
mod tests;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::error::{ApiError, Location};
use crate::state::MockState;

/// Where the admin API is mounted; it cannot collide with `/v3/`.
pub(crate) const PREFIX: &str = "/mock/admin";

pub(crate) fn routes(state: MockState) -> Router<MockState> {
    Router::new()
        .merge(tenants::routes())
        .merge(reset::routes())
        .merge(clock::routes())
        .merge(journal::routes())
        .fallback(not_found)
        .layer(from_fn_with_state(state, require_token))
}

async fn not_found() -> ApiError {
    ApiError::not_found("RESOURCE_NOT_EXISTS", "no such admin endpoint; see docs/mock-server.md")
}

/// Compares without an early exit, so response time says nothing about the token.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn require_token(State(state): State<MockState>, req: Request, next: Next) -> Response {
    if let Some(token) = state.settings().admin_token() {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !same(given.trim().as_bytes(), token.expose().as_bytes()) {
            return ApiError::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "admin API needs Authorization: Bearer <admin token>",
            )
            .with_detail(wechatpay_models::error::ErrorDetail {
                field: Some("Authorization".into()),
                location: Some(Location::Header.as_str().to_owned()),
                ..Default::default()
            })
            .into_response();
        }
    }
    next.run(req).await
}

/// A `mchid` from an admin request, resolved to a tenant.
pub(crate) fn tenant(
    state: &MockState,
    mchid: &str,
) -> Result<std::sync::Arc<crate::tenant::Tenant>, ApiError> {
    state.tenant(mchid).cloned().ok_or_else(|| {
        ApiError::not_found("RESOURCE_NOT_EXISTS", format!("no tenant with mchid {mchid}"))
            .with_value(mchid.to_owned())
    })
}
