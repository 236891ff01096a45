//! Withdrawals through the admin API: what the bank does.
//!
//! | call | body | does |
//! | --- | --- | --- |
//! | `POST /mock/admin/withdrawals/{withdraw_id}/{success\|fail\|refund\|close}` | `mchid?` | `success`: arrives now (CREATE_SUCCESS → SUCCESS); `fail`: CREATE_SUCCESS → FAIL, money back; `refund`: the bank bounces a SUCCESS one → REFUND, money back; `close`: INIT → CLOSE. With the `MCHWITHDRAW.CHANGE` callback when the withdrawal has a `notify_url` |
//! | `GET /mock/admin/withdrawals/{withdraw_id}` | `mchid?` (query) | the withdrawal |

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::areas::withdraw::{self, Event, Withdrawal, Withdrawals};
use crate::error::{ApiError, Location};
use crate::extract::{parse_json, WxPath, WxQuery};
use crate::state::MockState;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/withdrawals/{withdraw_id}", get(show))
        .route("/withdrawals/{withdraw_id}/{event}", post(move_it))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tenant {
    mchid: Option<String>,
}

/// A withdrawal as the admin API shows it.
#[derive(Debug, Serialize)]
struct View {
    withdraw_id: String,
    out_request_no: String,
    mchid: String,
    status: String,
    amount_fen: i64,
    account_type: String,
    created_unix: i64,
    updated_unix: i64,
    reason: Option<String>,
}

fn view(w: &Withdrawal) -> View {
    View {
        withdraw_id: w.withdraw_id.clone(),
        out_request_no: w.out_request_no.clone(),
        mchid: w.mchid.clone(),
        status: w.status.to_string(),
        amount_fen: w.amount_fen,
        account_type: w.account_type.to_string(),
        created_unix: w.created_unix,
        updated_unix: w.updated_unix,
        reason: w.reason.clone(),
    }
}

async fn show(
    State(state): State<MockState>,
    WxPath(withdraw_id): WxPath<String>,
    WxQuery(q): WxQuery<Tenant>,
) -> Result<Json<View>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let profile = state.timing();
    state
        .store()
        .transact(&tenant, |tx| {
            withdraw::catch_up(tx, profile)?;
            tx.area::<Withdrawals>()
                .by_id
                .get(withdraw_id.as_str())
                .map(|w| view(w))
                .ok_or_else(|| ApiError::not_found("ORDER_NOT_EXIST", "提现单不存在"))
        })
        .map(Json)
}

async fn move_it(
    State(state): State<MockState>,
    WxPath((withdraw_id, event)): WxPath<(String, String)>,
    body: Bytes,
) -> Result<Json<View>, ApiError> {
    let q: Tenant = if body.iter().all(u8::is_ascii_whitespace) {
        Tenant::default()
    } else {
        parse_json(&body)?
    };
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let event = Event::parse(&event).ok_or_else(|| {
        ApiError::param_error("event", Location::Path, "one of success, fail, refund, close")
    })?;
    let profile = state.timing();
    state
        .store()
        .transact(&tenant, |tx| {
            withdraw::catch_up(tx, profile)?;
            withdraw::apply(tx, &withdraw_id, event).map(|w| view(&w))
        })
        .map(Json)
}
