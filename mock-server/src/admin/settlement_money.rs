//! Settlement money: refunds, profit sharing and subsidies, through the admin API.
//!
//! | call | body / query | does |
//! | --- | --- | --- |
//! | `GET`/`PUT /mock/admin/settlement/settings` | `mchid?`, `max_ratio_bp?` (3000), `freeze_days?` (180) | the platform's split cap and freeze period |
//! | `GET /mock/admin/settlement/orders/{transaction_id}` | `mchid?` | the order's money: frozen share, split, refunded, freeze state (unfreezing it first if due) |
//! | `POST /mock/admin/settlement/sweep` | `mchid?` | unfreezes every order whose freeze period has passed: `{unfrozen}` |
//! | `GET /mock/admin/settlement/check` | `mchid?` | `{ok, violations}`: the orders' bookkeeping against the ledger, and the ledger's own invariants |
//! | `POST /mock/admin/refunds/{refund_id}/{success\|abnormal\|close}` | `mchid?` | moves a `PROCESSING` refund (with its callback; `close` gives the money back) |

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::areas::profitsharing::funds::{self, OrderFunds, Settings};
use crate::areas::refunds::{self, Event};
use crate::error::{ApiError, Location};
use crate::extract::{parse_json, WxJson, WxPath, WxQuery};
use crate::ledger::Ledger;
use crate::state::MockState;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/settlement/settings", get(settings).put(set_settings))
        .route("/settlement/orders/{transaction_id}", get(order))
        .route("/settlement/sweep", post(sweep))
        .route("/settlement/check", get(check))
        .route("/refunds/{refund_id}/{event}", post(refund_event))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tenant {
    mchid: Option<String>,
}

/// An empty body names the default tenant; otherwise `{"mchid": "…"}`.
fn optional_body(body: &Bytes) -> Result<Tenant, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(Tenant::default())
    } else {
        parse_json(body)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsChange {
    mchid: Option<String>,
    max_ratio_bp: Option<u32>,
    freeze_days: Option<u32>,
}

async fn settings(
    State(state): State<MockState>,
    WxQuery(q): WxQuery<Tenant>,
) -> Result<Json<Settings>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    Ok(Json(state.store().read(&tenant, |f: &OrderFunds| f.settings.clone())))
}

async fn set_settings(
    State(state): State<MockState>,
    WxJson(change): WxJson<SettingsChange>,
) -> Result<Json<Settings>, ApiError> {
    let tenant = super::tenant_or_default(&state, change.mchid.as_deref())?;
    if change.max_ratio_bp.is_some_and(|bp| bp > 10_000) {
        return Err(ApiError::param_error(
            "/max_ratio_bp",
            Location::Body,
            "at most 10000 (100 %)",
        ));
    }
    if change.freeze_days.is_some_and(|d| d > 3_650) {
        return Err(ApiError::param_error("/freeze_days", Location::Body, "at most 3650 days"));
    }
    state.store().transact(&tenant, |tx| {
        let s = &mut tx.area_mut::<OrderFunds>().settings;
        if let Some(bp) = change.max_ratio_bp {
            s.max_ratio_bp = bp;
        }
        if let Some(d) = change.freeze_days {
            s.freeze_days = d;
        }
        Ok(Json(s.clone()))
    })
}

async fn order(
    State(state): State<MockState>,
    WxPath(transaction_id): WxPath<String>,
    WxQuery(q): WxQuery<Tenant>,
) -> Result<Json<funds::OrderMoney>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    state.store().transact(&tenant, |tx| funds::load(tx, None, &transaction_id)).map(Json)
}

#[derive(Debug, Serialize)]
struct Swept {
    unfrozen: usize,
}

async fn sweep(State(state): State<MockState>, body: Bytes) -> Result<Json<Swept>, ApiError> {
    let q = optional_body(&body)?;
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    state.store().transact(&tenant, |tx| Ok(Json(Swept { unfrozen: funds::sweep(tx)? })))
}

#[derive(Debug, Serialize)]
struct Check {
    ok: bool,
    violations: Vec<String>,
}

async fn check(
    State(state): State<MockState>,
    WxQuery(q): WxQuery<Tenant>,
) -> Result<Json<Check>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    // A read-only look: the transaction is rolled back, so checking changes nothing.
    let violations = state
        .store()
        .transact(&tenant, |tx| {
            let mut v = funds::check(tx);
            v.extend(tx.area::<Ledger>().check_report().violations);
            Err::<(), _>(v)
        })
        .err()
        .unwrap_or_default();
    Ok(Json(Check { ok: violations.is_empty(), violations }))
}

async fn refund_event(
    State(state): State<MockState>,
    WxPath((refund_id, event)): WxPath<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let q = optional_body(&body)?;
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let event = Event::parse(&event).ok_or_else(|| {
        ApiError::param_error("event", Location::Path, "success, abnormal or close")
            .with_value(event.clone())
    })?;
    state.store().transact(&tenant, |tx| {
        let r = refunds::transition(tx, &refund_id, event)?;
        Ok(Json(serde_json::json!({
            "refund_id": r.refund_id,
            "out_refund_no": r.out_refund_no,
            "status": r.status.as_str(),
        })))
    })
}
