//! The virtual clocks: `GET /mock/admin/clock[?mchid=…]` and
//! `POST /mock/admin/clock/advance` with `{"secs": N, "mchid": "…"}` (every tenant when
//! `mchid` is left out). Clocks only move forward.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use wechatpay_crypto::Clock;
use wechatpay_models::DateTime;

use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxQuery};
use crate::state::MockState;
use crate::tenant::Tenant;

#[derive(Debug, Serialize)]
pub(crate) struct ClockView {
    mchid: String,
    now_unix: i64,
    now: Option<String>,
    offset_secs: i64,
}

fn view(t: &Tenant) -> ClockView {
    let now_unix = t.clock().now_unix();
    ClockView {
        mchid: t.mchid().to_owned(),
        now_unix,
        now: DateTime::from_unix(now_unix).ok().map(|d| d.to_string()),
        offset_secs: t.clock().offset_secs(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Which {
    mchid: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    secs: i64,
    mchid: Option<String>,
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new().route("/clock", get(read)).route("/clock/advance", post(advance))
}

fn chosen(state: &MockState, mchid: Option<&str>) -> Result<Vec<std::sync::Arc<Tenant>>, ApiError> {
    match mchid {
        Some(m) => Ok(vec![super::tenant(state, m)?]),
        None => Ok(state.tenants().iter().cloned().collect()),
    }
}

async fn read(
    State(state): State<MockState>,
    WxQuery(which): WxQuery<Which>,
) -> Result<Json<Vec<ClockView>>, ApiError> {
    Ok(Json(chosen(&state, which.mchid.as_deref())?.iter().map(|t| view(t)).collect()))
}

async fn advance(
    State(state): State<MockState>,
    WxJson(req): WxJson<Advance>,
) -> Result<Json<Vec<ClockView>>, ApiError> {
    let tenants = chosen(&state, req.mchid.as_deref())?;
    if req.secs <= 0 {
        return Err(ApiError::param_error(
            "/secs",
            Location::Body,
            "the virtual clock only moves forward: secs must be > 0",
        )
        .with_value(req.secs));
    }
    for t in &tenants {
        t.clock().advance(req.secs).map_err(|e| {
            ApiError::param_error("/secs", Location::Body, e.to_string()).with_value(req.secs)
        })?;
    }
    Ok(Json(tenants.iter().map(|t| view(t)).collect()))
}
