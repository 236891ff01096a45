//! Callback deliveries: `GET /mock/admin/callbacks` (with every attempt and the next retry),
//! `GET /mock/admin/callbacks/{id}`, `POST /mock/admin/callbacks` to send a test callback, and
//! `POST /mock/admin/callbacks/{id}/redeliver`. Every call takes `mchid` (the tenant; the
//! first one when absent).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::callbacks::{Callbacks, Delivery, DeliveryId, DeliveryStatus, NewCallback};
use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath, WxQuery};
use crate::state::MockState;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/callbacks", get(list).post(send_test))
        .route("/callbacks/{id}", get(one))
        .route("/callbacks/{id}/redeliver", post(redeliver))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    mchid: Option<String>,
    status: Option<DeliveryStatus>,
    event_type: Option<String>,
    /// At most this many, the newest (default 100).
    limit: Option<usize>,
}

async fn list(
    State(state): State<MockState>,
    WxQuery(q): WxQuery<ListQuery>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let limit = q.limit.unwrap_or(100);
    let mut out: Vec<Delivery> = state.store().read(&tenant, |c: &Callbacks| {
        c.iter()
            .rev()
            .filter(|d| q.status.is_none_or(|s| s == d.status))
            .filter(|d| q.event_type.as_deref().is_none_or(|e| e == d.event_type))
            .take(limit)
            .cloned()
            .collect()
    });
    out.reverse();
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Which {
    mchid: Option<String>,
}

fn delivery_id(text: &str) -> Result<DeliveryId, ApiError> {
    text.parse().map(DeliveryId).map_err(|_| {
        ApiError::param_error("id", Location::Path, "a delivery id is a number")
            .with_value(text.to_owned())
    })
}

async fn one(
    State(state): State<MockState>,
    WxPath(id): WxPath<String>,
    WxQuery(q): WxQuery<Which>,
) -> Result<Json<Delivery>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let id = delivery_id(&id)?;
    state
        .store()
        .read(&tenant, |c: &Callbacks| c.get(id).cloned())
        .map(Json)
        .ok_or_else(|| ApiError::not_found("RESOURCE_NOT_EXISTS", format!("no delivery {id}")))
}

async fn redeliver(
    State(state): State<MockState>,
    WxPath(id): WxPath<String>,
    WxQuery(q): WxQuery<Which>,
) -> Result<Json<Delivery>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let id = delivery_id(&id)?;
    state
        .store()
        .transact(&tenant, |tx| {
            tx.redeliver_callback(id)?;
            tx.area::<Callbacks>()
                .get(id)
                .cloned()
                .ok_or_else(|| ApiError::system_error("the delivery just scheduled is missing"))
        })
        .map(Json)
}

/// A test callback: what an API area would enqueue, from the admin API.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCallback {
    mchid: Option<String>,
    notify_url: String,
    event_type: String,
    /// The resource in clear: any JSON value.
    resource: Value,
    original_type: Option<String>,
    summary: Option<String>,
}

#[derive(Debug, Serialize)]
struct Enqueued {
    id: DeliveryId,
    mchid: String,
    notification_id: String,
    status: DeliveryStatus,
}

async fn send_test(
    State(state): State<MockState>,
    WxJson(req): WxJson<TestCallback>,
) -> Result<Json<Enqueued>, ApiError> {
    let tenant = super::tenant_or_default(&state, req.mchid.as_deref())?;
    let mut callback = NewCallback::from_resource(req.notify_url, req.event_type, &req.resource)?;
    if let Some(t) = req.original_type {
        callback = callback.original_type(t);
    }
    if let Some(s) = req.summary {
        callback = callback.summary(s);
    }
    let enqueued = state.store().transact(&tenant, |tx| {
        let id = tx.enqueue_callback(callback)?;
        let d = tx
            .area::<Callbacks>()
            .get(id)
            .ok_or_else(|| ApiError::system_error("the delivery just enqueued is missing"))?;
        Ok::<_, ApiError>(Enqueued {
            id,
            mchid: d.mchid.clone(),
            notification_id: d.notification_id.clone(),
            status: d.status,
        })
    })?;
    Ok(Json(enqueued))
}
