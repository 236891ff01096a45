//! `POST /mock/admin/reset`: `{}` or an empty body resets every tenant and the journal;
//! `{"mchid":"…"}` resets one tenant (state, clock, its journal entries).

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::extract::parse_json;
use crate::state::MockState;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetRequest {
    mchid: Option<String>,
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new().route("/reset", post(reset))
}

async fn reset(State(state): State<MockState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let request: ResetRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ResetRequest::default()
    } else {
        parse_json(&body)?
    };
    match request.mchid {
        Some(mchid) => {
            super::tenant(&state, &mchid)?;
            state
                .reset_tenant(&mchid)
                .map_err(|e| ApiError::not_found("RESOURCE_NOT_EXISTS", e.to_string()))?;
            Ok(Json(json!({ "reset": [mchid] })))
        }
        None => {
            state.reset_all();
            let all: Vec<&str> = state.tenants().iter().map(|t| t.mchid()).collect();
            Ok(Json(json!({ "reset": all })))
        }
    }
}
