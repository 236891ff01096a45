//! Driving sub-merchant onboarding: applications, uploads and settlement accounts.
//!
//! | call | body / query | what |
//! | --- | --- | --- |
//! | `GET /applyments` | `?mchid=&limit=` | every application (newest `limit`, default 100), brought up to date |
//! | `GET /applyments/{applyment_id}` | `?mchid=` | one application: state, sign state, verification, history |
//! | `POST /applyments/{applyment_id}/{action}` | `{"mchid"?, "audit_detail"?, "via"?}` | `pass-check`, `verify-account` (`via`: `remittance` or `legal_person`), `approve`, `reject` (`audit_detail`), `sign`, `freeze` (`audit_detail`), `cancel` |
//! | `GET /media` | `?mchid=` | the uploads (MediaID, kind, name, digest, size) |
//! | `GET /settlement/{sub_mchid}` | `?mchid=` | the settlement account (number masked), its verification and change requests |
//! | `POST /settlement/{sub_mchid}/payment` | `{"mchid"?}` | stands in for a successful payment: starts the 0.01 CNY verification remittance |
//! | `POST /settlement/{sub_mchid}/verify-result` | `{"mchid"?, "verify_result", "verify_fail_reason"?}` | sets the remittance result (`VERIFY_SUCCESS` / `VERIFY_FAIL`) |
//! | `POST /settlement/{sub_mchid}/applications/{application_no}/audit` | `{"mchid"?, "result", "reason"?}` | decides a change request (`AUDIT_SUCCESS` / `AUDIT_FAIL`) |
//!
//! Reads here do not count as polls (they never move a `fast` check along), but they do apply
//! what virtual time has made due. A refused action changes nothing.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wechatpay_models::applyment::{AuditDetail, SignState};
use wechatpay_models::settlement::SettlementVerifyResult;

use crate::areas::applyment::{drive, Applyments};
use crate::areas::media::{MediaFile, MediaLibrary};
use crate::areas::onboarding::machine::{Event, Record, VerifyMethod};
use crate::areas::settlement::{record_payment, DecisionError, Settlements};
use crate::error::{ApiError, Location};
use crate::extract::{parse_json, WxPath, WxQuery};
use crate::state::MockState;
use crate::tenant::Tenant;

/// Most applications one list answers.
const MAX_LIST: usize = 1_000;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/applyments", get(list_applyments))
        .route("/applyments/{applyment_id}", get(show_applyment))
        .route("/applyments/{applyment_id}/{action}", post(act_on_applyment))
        .route("/media", get(list_media))
        .route("/settlement/{sub_mchid}", get(show_settlement))
        .route("/settlement/{sub_mchid}/payment", post(payment))
        .route("/settlement/{sub_mchid}/verify-result", post(verify_result))
        .route("/settlement/{sub_mchid}/applications/{application_no}/audit", post(audit_change))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Which {
    mchid: Option<String>,
    limit: Option<usize>,
}

fn tenant(state: &MockState, mchid: Option<&str>) -> Result<std::sync::Arc<Tenant>, ApiError> {
    super::tenant_or_default(state, mchid)
}

/// A JSON body that may be empty (then `T::default()`).
fn body<T: serde::de::DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(bytes)
    }
}

/// What the admin API shows of an application.
#[derive(Debug, Serialize)]
struct ApplymentView<'a> {
    #[serde(flatten)]
    record: &'a Record,
    organization_type: &'a str,
    contact_type: &'a str,
    subject_name: &'a str,
    applyment_state: String,
    sign_state: SignState,
}

fn view(record: &Record) -> Value {
    let shown = ApplymentView {
        record,
        organization_type: record.facts.organization_type.as_str(),
        contact_type: record.facts.contact_type.as_str(),
        subject_name: &record.facts.subject_name,
        applyment_state: record.stage().state().to_string(),
        sign_state: record.sign_state(),
    };
    serde_json::to_value(&shown).unwrap_or_else(|e| json!({ "error": e.to_string() }))
}

fn applyment_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>().map_err(|_| {
        ApiError::param_error("applyment_id", Location::Path, "must be a decimal number")
            .with_value(raw.to_owned())
    })
}

async fn list_applyments(
    State(state): State<MockState>,
    WxQuery(which): WxQuery<Which>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let tenant = tenant(&state, which.mchid.as_deref())?;
    let limit = which.limit.unwrap_or(100).min(MAX_LIST);
    let profile = state.timing();
    let records = state.store().transact(&tenant, |tx| {
        let ids = tx.area::<Applyments>().ids();
        let newest = ids.iter().rev().take(limit).rev();
        newest.map(|id| drive(tx, *id, profile, false, None)).collect::<Result<Vec<_>, _>>()
    })?;
    Ok(Json(records.iter().map(view).collect()))
}

async fn show_applyment(
    State(state): State<MockState>,
    WxPath(raw): WxPath<String>,
    WxQuery(which): WxQuery<Which>,
) -> Result<Json<Value>, ApiError> {
    let id = applyment_id(&raw)?;
    let tenant = tenant(&state, which.mchid.as_deref())?;
    let profile = state.timing();
    let record = state.store().transact(&tenant, |tx| drive(tx, id, profile, false, None))?;
    Ok(Json(view(&record)))
}

/// How the seller verified its account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Via {
    Remittance,
    LegalPerson,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    mchid: Option<String>,
    audit_detail: Option<Vec<AuditDetail>>,
    via: Option<Via>,
}

const ACTIONS: &str = "pass-check, verify-account, approve, reject, sign, freeze, cancel";

async fn act_on_applyment(
    State(state): State<MockState>,
    WxPath(raw): WxPath<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (raw_id, action) = raw;
    let id = applyment_id(&raw_id)?;
    let request: Action = body(&bytes)?;
    let tenant = tenant(&state, request.mchid.as_deref())?;
    let detail = |default: &str| match request.audit_detail.clone() {
        Some(detail) if !detail.is_empty() => detail,
        _ => vec![AuditDetail { param_name: "applyment".into(), reject_reason: default.into() }],
    };
    let event = match action.as_str() {
        "pass-check" => Event::CheckPassed,
        "verify-account" => Event::AccountVerified,
        "approve" => Event::Approved,
        "reject" => Event::Rejected(detail("资料审核不通过")),
        "sign" => Event::Signed,
        "freeze" => Event::Frozen(detail("申请单已冻结,请联系微信支付")),
        "cancel" => Event::Canceled,
        other => {
            return Err(ApiError::not_found(
                "RESOURCE_NOT_EXISTS",
                format!("unknown applyment action `{other}`; one of {ACTIONS}"),
            ))
        }
    };
    let profile = state.timing();
    let record = state.store().transact(&tenant, |tx| {
        let current = drive(tx, id, profile, false, None)?;
        if event == Event::AccountVerified && request.via == Some(Via::LegalPerson) {
            let scan_allowed =
                current.check().is_some_and(|c| c.method == VerifyMethod::RemittanceOrLegalPerson);
            if !scan_allowed {
                return Err(ApiError::invalid_request(
                    "this application verifies its account by remittance only (事业单位 / 政府机关 / 社会组织, or no verification pending)",
                ));
            }
        }
        drive(tx, id, profile, false, Some(event))
    })?;
    Ok(Json(view(&record)))
}

async fn list_media(
    State(state): State<MockState>,
    WxQuery(which): WxQuery<Which>,
) -> Result<Json<Vec<MediaFile>>, ApiError> {
    let tenant = tenant(&state, which.mchid.as_deref())?;
    Ok(Json(state.store().read(&tenant, |l: &MediaLibrary| l.iter().cloned().collect())))
}

fn sub_merchant_not_found(sub_mchid: &str) -> ApiError {
    ApiError::not_found(
        "RESOURCE_NOT_EXISTS",
        format!("{sub_mchid} is not a sub-merchant of this tenant"),
    )
    .with_value(sub_mchid.to_owned())
}

fn settlement_view(state: &MockState, tenant: &Tenant, sub_mchid: &str) -> Result<Value, ApiError> {
    let profile = state.timing();
    state.store().transact(tenant, |tx| {
        if !tx.is_sub_merchant(sub_mchid) {
            return Err(sub_merchant_not_found(sub_mchid));
        }
        let now = tx.now_unix();
        let (account, applications) = tx.area_mut::<Settlements>().view(sub_mchid, now, profile);
        Ok(json!({ "sub_mchid": sub_mchid, "account": account, "applications": applications }))
    })
}

async fn show_settlement(
    State(state): State<MockState>,
    WxPath(raw): WxPath<String>,
    WxQuery(which): WxQuery<Which>,
) -> Result<Json<Value>, ApiError> {
    let sub_mchid = raw;
    let tenant = tenant(&state, which.mchid.as_deref())?;
    settlement_view(&state, &tenant, &sub_mchid).map(Json)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OnlyMchid {
    mchid: Option<String>,
}

async fn payment(
    State(state): State<MockState>,
    WxPath(raw): WxPath<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let sub_mchid = raw;
    let request: OnlyMchid = body(&bytes)?;
    let tenant = tenant(&state, request.mchid.as_deref())?;
    let profile = state.timing();
    let started = state.store().transact(&tenant, |tx| {
        if !tx.is_sub_merchant(&sub_mchid) {
            return Err(sub_merchant_not_found(&sub_mchid));
        }
        Ok(record_payment(tx, &sub_mchid, profile))
    })?;
    let mut shown = settlement_view(&state, &tenant, &sub_mchid)?;
    if let Some(shown) = shown.as_object_mut() {
        shown.insert("verification_started".into(), Value::Bool(started));
    }
    Ok(Json(shown))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetResult {
    mchid: Option<String>,
    verify_result: SettlementVerifyResult,
    verify_fail_reason: Option<String>,
}

async fn verify_result(
    State(state): State<MockState>,
    WxPath(raw): WxPath<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let sub_mchid = raw;
    let request: SetResult = parse_json(&bytes)?;
    let tenant = tenant(&state, request.mchid.as_deref())?;
    let reason = match request.verify_result {
        SettlementVerifyResult::VerifySuccess => None,
        SettlementVerifyResult::VerifyFail => Some(
            request
                .verify_fail_reason
                .unwrap_or_else(|| "银行账户信息有误,汇款验证失败".to_owned()),
        ),
        SettlementVerifyResult::Verifying | SettlementVerifyResult::Unknown(_) => {
            return Err(ApiError::param_error(
                "/verify_result",
                Location::Body,
                "must be VERIFY_SUCCESS or VERIFY_FAIL (VERIFYING is the state before a result)",
            ))
        }
    };
    let profile = state.timing();
    state.store().transact(&tenant, |tx| {
        if !tx.is_sub_merchant(&sub_mchid) {
            return Err(sub_merchant_not_found(&sub_mchid));
        }
        let now = tx.now_unix();
        tx.area_mut::<Settlements>().set_result(
            &sub_mchid,
            request.verify_result.clone(),
            reason,
            now,
            profile,
        );
        Ok(())
    })?;
    settlement_view(&state, &tenant, &sub_mchid).map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    mchid: Option<String>,
    result: String,
    reason: Option<String>,
}

async fn audit_change(
    State(state): State<MockState>,
    WxPath(raw): WxPath<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (sub_mchid, application_no) = raw;
    let request: Decision = parse_json(&bytes)?;
    let tenant = tenant(&state, request.mchid.as_deref())?;
    let failure = match request.result.as_str() {
        "AUDIT_SUCCESS" => None,
        "AUDIT_FAIL" => {
            Some(request.reason.unwrap_or_else(|| "开户名称与主体名称不一致".to_owned()))
        }
        _ => {
            return Err(ApiError::param_error(
                "/result",
                Location::Body,
                "must be AUDIT_SUCCESS or AUDIT_FAIL",
            )
            .with_value(request.result))
        }
    };
    let profile = state.timing();
    state.store().transact(&tenant, |tx| {
        if !tx.is_sub_merchant(&sub_mchid) {
            return Err(sub_merchant_not_found(&sub_mchid));
        }
        let now = tx.now_unix();
        let settlements = tx.area_mut::<Settlements>();
        // What virtual time already decided stands; the admin decides only what is still open.
        settlements.refresh(&sub_mchid, now, profile);
        settlements.decide(&sub_mchid, &application_no, failure, now, profile).map_err(
            |e| match e {
                DecisionError::NotFound => {
                    ApiError::not_found("RESOURCE_NOT_EXISTS", e.to_string())
                }
                DecisionError::Decided => ApiError::invalid_request(e.to_string()),
            },
        )
    })?;
    settlement_view(&state, &tenant, &sub_mchid).map(Json)
}
