//! The request journal: `GET /mock/admin/journal?mchid=&method=&path_prefix=&status=&code=&after_id=&limit=`
//! lists entries oldest first; `GET /mock/admin/journal/{id}` is one entry with its detail
//! (headers, bodies, the expected canonical message of a signature failure);
//! `DELETE /mock/admin/journal[?mchid=…]` clears it.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::extract::{WxPath, WxQuery};
use crate::journal::{JournalEntry, JournalFilter, JournalRecord};
use crate::state::MockState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Which {
    mchid: Option<String>,
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new().route("/journal", get(list).delete(clear)).route("/journal/{id}", get(one))
}

async fn one(
    State(state): State<MockState>,
    WxPath(id): WxPath<String>,
) -> Result<Json<JournalRecord>, ApiError> {
    let not_kept = || {
        ApiError::not_found(
            "RESOURCE_NOT_EXISTS",
            format!("no journal entry {id}: ids are numbers, and old entries leave the journal past its retention cap"),
        )
        .with_value(id.clone())
    };
    let n: u64 = id.parse().map_err(|_| not_kept())?;
    state.journal().get(n).map(Json).ok_or_else(not_kept)
}

async fn list(
    State(state): State<MockState>,
    WxQuery(filter): WxQuery<JournalFilter>,
) -> Json<Vec<JournalEntry>> {
    Json(state.journal().list(&filter))
}

async fn clear(
    State(state): State<MockState>,
    WxQuery(which): WxQuery<Which>,
) -> Result<Json<Value>, ApiError> {
    if let Some(m) = &which.mchid {
        super::tenant(&state, m)?;
    }
    state.journal().clear(which.mchid.as_deref());
    Ok(Json(json!({ "remaining": state.journal().len() })))
}
