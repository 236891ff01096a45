//! The payer, played through the admin API, and the payments area's settings:
//!
//! | call | body / query | does |
//! | --- | --- | --- |
//! | `POST /mock/admin/payments/pay` | order + `bank_type?` (`OTHERS`; `…_CREDIT` = credit card), `openid?` | pays (every sub-order of a combined order): ledger, callback; `PAYERROR` instead when a collection limit would break |
//! | `POST /mock/admin/payments/fail` | order + `desc?` | the payment attempt fails: `PAYERROR` |
//! | `POST /mock/admin/payments/user-paying` | order | `USERPAYING` (pay or fail it later) |
//! | `POST /mock/admin/payments/close` | order | `CLOSED` |
//! | `POST /mock/admin/payments/expire` | order | `CLOSED` as if `time_expire` had passed (an unpaid order only) |
//! | `GET /mock/admin/payments/order` | order (query) | one payment |
//! | `GET /mock/admin/payments/orders` | `mchid?`, `trade_state?`, `limit?` (100) | the newest payments, oldest first |
//! | `GET`/`PUT /mock/admin/payments/sub-merchants/{sub_mchid}` | `mchid?`, `organization_type` (`"2401"` …) | subject type, limits and today's collections |
//! | `GET`/`PUT /mock/admin/payments/settings` | `mchid?`, `fee_rate_bp?`, `default_organization_type?` | fee rate and default subject type |
//! | `POST /mock/admin/oauth/codes` | `appid`, `openid?`, `unionid?`, `kind?` (`web`, `mini_program`, `any`), `scope?` | a code for `/sns/…`: `{code, openid, appid, mchid, kind, expires_in}` |
//!
//! An order is named by one of `combine_out_trade_no`, `sub_mchid` + `out_trade_no`,
//! `transaction_id`, `prepay_id`, or `url` (an `h5_url` / `code_url` of this mock), plus
//! `mchid` (the tenant; the first one when absent).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wechatpay_models::applyment::OrganizationType;

use crate::areas::oauth::{self, MintCode, MintError, MintedCode};
use crate::areas::payments::limits::{Limits, Tally};
use crate::areas::payments::machine::{self, Event};
use crate::areas::payments::ops::{self, OrderRef};
use crate::areas::payments::{OrganizationTypeCode, Payments, Settings};
use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath, WxQuery};
use crate::state::MockState;

/// Most payments one listing returns.
const MAX_LIST: usize = 1_000;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/payments/pay", post(pay))
        .route("/payments/fail", post(fail))
        .route("/payments/user-paying", post(user_paying))
        .route("/payments/close", post(close))
        .route("/payments/expire", post(expire))
        .route("/payments/order", get(order))
        .route("/payments/orders", get(orders))
        .route("/payments/sub-merchants/{sub_mchid}", get(sub_merchant).put(set_sub_merchant))
        .route("/payments/settings", get(settings).put(set_settings))
        .route("/oauth/codes", post(mint_code))
}

/// A payer's action: the order and what the action needs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    mchid: Option<String>,
    combine_out_trade_no: Option<String>,
    sub_mchid: Option<String>,
    out_trade_no: Option<String>,
    transaction_id: Option<String>,
    prepay_id: Option<String>,
    url: Option<String>,
    /// `pay`: the paying bank (`OTHERS` by default; `CMB_CREDIT` … is a credit card).
    bank_type: Option<String>,
    /// `pay`: the payer's openid (the request's, or a default, when absent).
    openid: Option<String>,
    /// `fail`: `trade_state_desc`.
    desc: Option<String>,
}

impl Action {
    fn order(&self) -> OrderRef {
        OrderRef {
            mchid: self.mchid.clone(),
            combine_out_trade_no: self.combine_out_trade_no.clone(),
            sub_mchid: self.sub_mchid.clone(),
            out_trade_no: self.out_trade_no.clone(),
            transaction_id: self.transaction_id.clone(),
            prepay_id: self.prepay_id.clone(),
            url: self.url.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Verb {
    Pay,
    Fail,
    UserPaying,
    Close,
    Expire,
}

fn act(state: &MockState, action: &Action, verb: Verb) -> Result<Json<Value>, ApiError> {
    let tenant = super::tenant_or_default(state, action.mchid.as_deref())?;
    let profile = state.timing();
    let order = action.order();
    if action.bank_type.as_ref().is_some_and(|b| b.is_empty() || b.len() > 32) {
        return Err(ApiError::param_error(
            "/bank_type",
            Location::Body,
            "must be 1 to 32 characters",
        ));
    }
    state.store().transact(&tenant, |tx| {
        let id = order.find(tx.area::<Payments>())?;
        let event = {
            let p = tx.area::<Payments>();
            let payment = p
                .payments
                .get(&id)
                .ok_or_else(|| ApiError::not_found("ORDER_NOT_EXIST", "订单不存在"))?;
            match verb {
                Verb::Pay => Event::Pay {
                    bank_type: action.bank_type.clone().unwrap_or_else(|| "OTHERS".into()),
                    openid: machine::payer_openid(payment, action.openid.as_deref()),
                },
                Verb::Fail => Event::Fail {
                    desc: action.desc.clone().unwrap_or_else(|| "支付失败,请重新下单支付".into()),
                },
                Verb::UserPaying => Event::StartUserPaying,
                Verb::Close => Event::Close,
                Verb::Expire => Event::Expire,
            }
        };
        ops::act(tx, id, event, profile)?;
        let p = tx.area::<Payments>();
        Ok(Json(p.get(id).map(ops::admin_view).unwrap_or_default()))
    })
}

async fn pay(
    State(state): State<MockState>,
    WxJson(a): WxJson<Action>,
) -> Result<Json<Value>, ApiError> {
    act(&state, &a, Verb::Pay)
}

async fn fail(
    State(state): State<MockState>,
    WxJson(a): WxJson<Action>,
) -> Result<Json<Value>, ApiError> {
    act(&state, &a, Verb::Fail)
}

async fn user_paying(
    State(state): State<MockState>,
    WxJson(a): WxJson<Action>,
) -> Result<Json<Value>, ApiError> {
    act(&state, &a, Verb::UserPaying)
}

async fn close(
    State(state): State<MockState>,
    WxJson(a): WxJson<Action>,
) -> Result<Json<Value>, ApiError> {
    act(&state, &a, Verb::Close)
}

async fn expire(
    State(state): State<MockState>,
    WxJson(a): WxJson<Action>,
) -> Result<Json<Value>, ApiError> {
    act(&state, &a, Verb::Expire)
}

async fn order(
    State(state): State<MockState>,
    WxQuery(r): WxQuery<OrderRef>,
) -> Result<Json<Value>, ApiError> {
    let tenant = super::tenant_or_default(&state, r.mchid.as_deref())?;
    state.store().read(&tenant, |p: &Payments| {
        let id = r.find(p)?;
        Ok(Json(p.get(id).map(ops::admin_view).unwrap_or_default()))
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    mchid: Option<String>,
    trade_state: Option<String>,
    limit: Option<usize>,
}

async fn orders(
    State(state): State<MockState>,
    WxQuery(q): WxQuery<ListQuery>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let limit = q.limit.unwrap_or(100).min(MAX_LIST);
    Ok(Json(state.store().read(&tenant, |p: &Payments| {
        let mut newest: Vec<Value> = p
            .payments
            .values()
            .rev()
            .filter(|x| {
                q.trade_state.as_deref().is_none_or(|s| x.status.trade_state().as_str() == s)
            })
            .take(limit)
            .map(|x| ops::admin_view(x))
            .collect();
        newest.reverse();
        newest
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Which {
    mchid: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectBody {
    mchid: Option<String>,
    organization_type: String,
}

#[derive(Debug, Serialize)]
struct SubjectView {
    mchid: String,
    sub_mchid: String,
    organization_type: OrganizationTypeCode,
    limits: Limits,
    collected: Tally,
}

fn subject_view(
    state: &MockState,
    mchid: Option<&str>,
    sub_mchid: String,
) -> Result<Json<SubjectView>, ApiError> {
    let tenant = super::tenant_or_default(state, mchid)?;
    let profile = state.timing();
    state.store().transact(&tenant, |tx| {
        let now = tx.now_unix();
        let organization_type = ops::organization_type(tx, &sub_mchid, profile);
        let collected =
            tx.area::<Payments>().tallies.get(&sub_mchid).copied().unwrap_or_default().at(now);
        Ok(Json(SubjectView {
            mchid: tenant.mchid().to_owned(),
            limits: Limits::for_type(&organization_type.kind()),
            collected,
            organization_type,
            sub_mchid,
        }))
    })
}

fn known_type(field: &str, code: &str) -> Result<OrganizationTypeCode, ApiError> {
    if OrganizationType::from(code).is_unknown() {
        return Err(ApiError::param_error(
            field,
            Location::Body,
            format!("not an organization_type; one of {}", OrganizationType::KNOWN.join(", ")),
        )
        .with_value(code.to_owned()));
    }
    Ok(OrganizationTypeCode(code.to_owned()))
}

async fn sub_merchant(
    State(state): State<MockState>,
    WxPath(sub_mchid): WxPath<String>,
    WxQuery(q): WxQuery<Which>,
) -> Result<Json<SubjectView>, ApiError> {
    subject_view(&state, q.mchid.as_deref(), sub_mchid)
}

async fn set_sub_merchant(
    State(state): State<MockState>,
    WxPath(sub_mchid): WxPath<String>,
    WxJson(body): WxJson<SubjectBody>,
) -> Result<Json<SubjectView>, ApiError> {
    let code = known_type("/organization_type", &body.organization_type)?;
    let tenant = super::tenant_or_default(&state, body.mchid.as_deref())?;
    state.store().transact(&tenant, |tx| {
        tx.area_mut::<Payments>().subjects.insert(sub_mchid.clone(), code);
        Ok::<_, ApiError>(())
    })?;
    subject_view(&state, body.mchid.as_deref(), sub_mchid)
}

#[derive(Debug, Serialize)]
struct SettingsView {
    mchid: String,
    #[serde(flatten)]
    settings: Settings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    mchid: Option<String>,
    fee_rate_bp: Option<u32>,
    default_organization_type: Option<String>,
}

async fn settings(
    State(state): State<MockState>,
    WxQuery(q): WxQuery<Which>,
) -> Result<Json<SettingsView>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let settings = state.store().read(&tenant, |p: &Payments| p.settings.clone());
    Ok(Json(SettingsView { mchid: tenant.mchid().to_owned(), settings }))
}

async fn set_settings(
    State(state): State<MockState>,
    WxJson(body): WxJson<SettingsBody>,
) -> Result<Json<SettingsView>, ApiError> {
    if body.fee_rate_bp.is_some_and(|bp| bp > 10_000) {
        return Err(ApiError::param_error(
            "/fee_rate_bp",
            Location::Body,
            "basis points: 0 to 10000",
        ));
    }
    let default_type = body
        .default_organization_type
        .as_deref()
        .map(|c| known_type("/default_organization_type", c))
        .transpose()?;
    let tenant = super::tenant_or_default(&state, body.mchid.as_deref())?;
    let settings = state.store().transact(&tenant, |tx| {
        let s = &mut tx.area_mut::<Payments>().settings;
        if let Some(bp) = body.fee_rate_bp {
            s.fee_rate_bp = bp;
        }
        if let Some(t) = default_type {
            s.default_organization_type = t;
        }
        Ok::<_, ApiError>(s.clone())
    })?;
    Ok(Json(SettingsView { mchid: tenant.mchid().to_owned(), settings }))
}

async fn mint_code(
    State(state): State<MockState>,
    WxJson(req): WxJson<MintCode>,
) -> Result<Json<MintedCode>, ApiError> {
    oauth::mint(&state, req).map(Json).map_err(|e| match e {
        MintError::UnknownAppId(ref appid) => {
            ApiError::param_error("/appid", Location::Body, e.to_string()).with_value(appid.clone())
        }
        MintError::BadOpenId => ApiError::param_error("/openid", Location::Body, e.to_string()),
        MintError::Full => ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "FREQUENCY_LIMITED",
            e.to_string(),
        ),
    })
}
