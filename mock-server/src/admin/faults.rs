//! Fault rules: `GET /mock/admin/faults` lists them (with their seeds and hit counts),
//! `POST /mock/admin/faults` adds one, `DELETE /mock/admin/faults/{id}` removes one,
//! `DELETE /mock/admin/faults[?mchid=…]` clears all (or those scoped to one tenant).

use axum::extract::State;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath, WxQuery};
use crate::faults::{FaultRuleSpec, FaultRuleView};
use crate::state::MockState;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/faults", get(list).post(add).delete(clear))
        .route("/faults/{id}", delete(remove))
}

async fn list(State(state): State<MockState>) -> Json<Vec<FaultRuleView>> {
    Json(state.faults().list())
}

async fn add(
    State(state): State<MockState>,
    WxJson(spec): WxJson<FaultRuleSpec>,
) -> Result<Json<FaultRuleView>, ApiError> {
    if let Some(m) = &spec.mchid {
        super::tenant(&state, m)?;
    }
    Ok(Json(state.faults().add(spec)?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Which {
    mchid: Option<String>,
}

async fn clear(State(state): State<MockState>, WxQuery(which): WxQuery<Which>) -> Json<Value> {
    let removed = state.faults().clear(which.mchid.as_deref());
    Json(json!({ "removed": removed }))
}

async fn remove(
    State(state): State<MockState>,
    WxPath(id): WxPath<String>,
) -> Result<Json<Value>, ApiError> {
    let id: u64 = id.parse().map_err(|_| {
        ApiError::param_error("id", Location::Path, "a rule id is a number").with_value(id.clone())
    })?;
    if state.faults().remove(id) {
        Ok(Json(json!({ "removed": 1 })))
    } else {
        Err(ApiError::not_found("RESOURCE_NOT_EXISTS", format!("no fault rule {id}")))
    }
}
