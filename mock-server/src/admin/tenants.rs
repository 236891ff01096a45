//! `GET /mock/admin/tenants`: every tenant with its key mode, serials, sub-merchants and clock.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::state::MockState;
use crate::store::SubMerchants;
use wechatpay_crypto::Clock;

#[derive(Debug, Serialize)]
pub(crate) struct TenantSummary {
    mchid: String,
    key_mode: &'static str,
    merchant_serials: Vec<String>,
    platform_serials: Vec<String>,
    public_key_id: Option<String>,
    sub_mchids: Vec<String>,
    appids: Vec<String>,
    now_unix: i64,
    clock_offset_secs: i64,
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new().route("/tenants", get(list))
}

async fn list(State(state): State<MockState>) -> Json<Vec<TenantSummary>> {
    let out = state
        .tenants()
        .iter()
        .map(|t| TenantSummary {
            mchid: t.mchid().to_owned(),
            key_mode: t.key_mode().as_str(),
            merchant_serials: t.merchant_serials(),
            platform_serials: t.platform_certificates().map(|c| c.serial().to_string()).collect(),
            public_key_id: t.public_key().map(|k| k.id().to_string()),
            sub_mchids: state.store().read(t, |s: &SubMerchants| s.0.iter().cloned().collect()),
            appids: t.appids().to_vec(),
            now_unix: t.clock().now_unix(),
            clock_offset_secs: t.clock().offset_secs(),
        })
        .collect();
    Json(out)
}
