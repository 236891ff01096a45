//! The request journal: `GET /mock/admin/journal?mchid=&method=&path_prefix=&status=&code=&after_id=&limit=`
//! lists entries oldest first; `DELETE /mock/admin/journal[?mchid=…]` clears it.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::extract::WxQuery;
use crate::journal::{JournalEntry, JournalFilter};
use crate::state::MockState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Which {
    mchid: Option<String>,
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new().route("/journal", get(list).delete(clear))
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
