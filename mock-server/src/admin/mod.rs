//! The admin API under `/mock/admin` (outside signature checking; JSON in and out;
//! protected by the admin token when one is set). One module per concern:
//!
//! | module | routes |
//! | --- | --- |
//! | [`tenants`] | `GET /mock/admin/tenants` |
//! | [`reset`] | `POST /mock/admin/reset` |
//! | [`clock`] | `GET /mock/admin/clock`, `POST /mock/admin/clock/advance` |
//! | [`journal`] | `GET /mock/admin/journal`, `GET /mock/admin/journal/{id}`, `DELETE /mock/admin/journal` |
//! | [`ledger`] | `GET /mock/admin/ledger/{balances,entries,check}`, `POST /mock/admin/ledger/deposit` |
//! | [`callbacks`] | `GET/POST /mock/admin/callbacks`, `GET /mock/admin/callbacks/{id}`, `POST /mock/admin/callbacks/{id}/redeliver` |
//! | [`faults`] | `GET/POST/DELETE /mock/admin/faults`, `DELETE /mock/admin/faults/{id}` |
//! | [`withdraw`] | `GET /mock/admin/withdrawals/{withdraw_id}`, `POST /mock/admin/withdrawals/{withdraw_id}/{success\|fail\|refund\|close}` |
//! | [`settlement_money`] | `GET/PUT /mock/admin/settlement/settings`, `GET /mock/admin/settlement/orders/{transaction_id}`, `GET /mock/admin/settlement/check`, `POST /mock/admin/settlement/sweep`, `POST /mock/admin/refunds/{refund_id}/{event}` |
//!
//! Adding a concern: write `admin/<name>.rs` with
//! `pub(crate) fn routes() -> Router<MockState>` using paths relative to the prefix, and
//! merge it in [`routes`].

pub(crate) mod callbacks;
pub(crate) mod clock;
pub(crate) mod faults;
pub(crate) mod journal;
pub(crate) mod ledger;
pub(crate) mod onboarding;
pub(crate) mod payments;
pub(crate) mod reset;
pub(crate) mod settlement_money;
pub(crate) mod tenants;
#[cfg(test)]
mod tests;
pub(crate) mod withdraw;

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
        .merge(ledger::routes())
        .merge(callbacks::routes())
        .merge(faults::routes())
        .merge(onboarding::routes())
        .merge(payments::routes())
        .merge(settlement_money::routes())
        .merge(withdraw::routes())
        .fallback(not_found)
        // Durable mode (`--data-dir`): admin calls run as journaled commands (`persist`).
        .layer(from_fn_with_state(state.clone(), crate::persist::admin_layer))
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

/// The tenant an admin call names, or the first tenant when it names none.
pub(crate) fn tenant_or_default(
    state: &MockState,
    mchid: Option<&str>,
) -> Result<std::sync::Arc<crate::tenant::Tenant>, ApiError> {
    match mchid {
        Some(m) => tenant(state, m),
        None => Ok(state.tenants().default_tenant().clone()),
    }
}
