//! 二级商户进件: `POST /v3/ecommerce/applyments/`, `GET /v3/ecommerce/applyments/{applyment_id}`
//! and `GET /v3/ecommerce/applyments/out-request-no/{out_request_no}`.
//!
//! A submission is checked like production, in this order, and a refused one changes nothing:
//!
//! 1. the JSON shape (`PARAM_ERROR` naming the member);
//! 2. every sensitive member (the model's list) decrypts with the key `Wechatpay-Serial`
//!    names (`PARAM_ERROR` naming the member by pointer);
//! 3. the members the subject type needs, lengths and formats ([`rules::check`],
//!    `PARAM_ERROR`);
//! 4. idempotency on `out_request_no`: the same application (same plaintext) answers the same
//!    `applyment_id`; a different one is a resubmission if the application was rejected, and
//!    `INVALID_REQUEST` otherwise;
//! 5. every MediaID was uploaded by this platform, as an image (`INVALID_REQUEST` naming the
//!    member); one WeChat user (the super administrator's ID number) is the administrator of
//!    at most 5 小微 / 个人卖家 of a platform; a licence already onboarded here cannot be
//!    onboarded again (`INVALID_REQUEST`).
//!
//! The application then lives in the state machine of [`machine`]; its automatic moves are
//! applied lazily when it is read (an API query counts as a poll, an admin read does not),
//! and `/mock/admin/applyments/{applyment_id}/{action}` drives each step. When it finishes,
//! its `sub_mchid` joins the tenant's [`SubMerchants`] (so every other area accepts it) and
//! its settlement account opens in [`Settlements`].

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use wechatpay_crypto::digest::sha256_hex;
use wechatpay_models::applyment::{
    AccountValidation, Applyment, BankAccountType, OrganizationType, SignState,
    SubmitApplymentRequest, SubmitApplymentResponse,
};
use wechatpay_models::error::ErrorDetail;
use wechatpay_models::DateTime;

use super::media::{MediaKind, MediaLibrary};
use super::onboarding::machine::{Event, Facts, Record, Stage, VerifyMethod};
use super::onboarding::{rules, sensitive};
use super::settlement::Settlements;
use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath};
use crate::policy::TimingProfile;
use crate::protocol::Caller;
use crate::state::MockState;
use crate::store::{SubMerchants, Txn};

/// Applyment ids count up from here (WeChat Pay's are 16 digits).
const FIRST_APPLYMENT_ID: u64 = 2_000_002_000_000_000;
/// New sub-merchant ids count up from here (10 digits, apart from the seeded 19000001xx).
const FIRST_SUB_MCHID: u64 = 1_600_000_000;
/// Most applications one tenant keeps (a limit on everything).
pub(crate) const MAX_APPLYMENTS: usize = 100_000;
/// 小微 / 个人卖家 one WeChat user may administer under one platform (the guide, 5.2.2.2.2).
pub(crate) const MAX_PERSONAL_PER_ADMIN: usize = 5;

/// Where the verification remittance goes (made up; WeChat Pay names Tenpay's account).
const DESTINATION_ACCOUNT_NUMBER: &str = "110924758410902";
const DESTINATION_ACCOUNT_NAME: &str = "财付通支付科技有限公司";
const DESTINATION_ACCOUNT_BANK: &str = "招商银行深圳分行大冲支行";
const DESTINATION_CITY: &str = "深圳市";

/// Every application of one tenant.
#[derive(Clone, Debug, Default)]
pub(crate) struct Applyments {
    records: imbl::OrdMap<u64, Record>,
    by_out_request_no: imbl::OrdMap<String, u64>,
    last_id: u64,
    last_sub_mchid: u64,
}

impl Applyments {
    /// The id of the application with `out_request_no`.
    pub(crate) fn id_of(&self, out_request_no: &str) -> Option<u64> {
        self.by_out_request_no.get(out_request_no).copied()
    }

    /// Every application id, oldest first.
    pub(crate) fn ids(&self) -> Vec<u64> {
        self.records.keys().copied().collect()
    }

    fn next_id(&mut self) -> u64 {
        self.last_id = self.last_id.max(FIRST_APPLYMENT_ID) + 1;
        self.last_id
    }

    fn next_sub_mchid(&mut self, taken: &SubMerchants) -> String {
        loop {
            self.last_sub_mchid = self.last_sub_mchid.max(FIRST_SUB_MCHID) + 1;
            let candidate = self.last_sub_mchid.to_string();
            if !taken.contains(&candidate) {
                return candidate;
            }
        }
    }

    fn insert(&mut self, record: Record) {
        let id = record.applyment_id;
        let before = self.records.len();
        self.by_out_request_no.insert(record.out_request_no.clone(), id);
        self.records.insert(id, record);
        assert_eq!(self.records.len(), before + 1, "applyment ids are never reused");
        assert_eq!(
            self.records.len(),
            self.by_out_request_no.len(),
            "one out_request_no per application"
        );
    }
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/ecommerce/applyments/", post(submit))
        .route("/v3/ecommerce/applyments/{applyment_id}", get(query_by_id))
        .route(
            "/v3/ecommerce/applyments/out-request-no/{out_request_no}",
            get(query_by_out_request_no),
        )
}

fn not_found() -> ApiError {
    ApiError::not_found("RESOURCE_NOT_EXISTS", "申请单不存在")
}

/// Brings application `applyment_id` up to date at the transaction's time: counts a poll if
/// `poll`, applies the automatic moves due, then `event` (if any) and what it makes due. A
/// newly approved application gets its `sub_mchid`; a newly finished one joins the tenant's
/// sub-merchants and opens its settlement account. Returns the record as stored.
///
/// # Errors
/// `404 RESOURCE_NOT_EXISTS` for an unknown id; `400 INVALID_REQUEST` when `event` does not
/// apply in the application's state.
pub(crate) fn drive(
    tx: &mut Txn<'_>,
    applyment_id: u64,
    profile: TimingProfile,
    poll: bool,
    event: Option<Event>,
) -> Result<Record, ApiError> {
    let now = tx.now_unix();
    let (applyments, sub_merchants) = tx.areas_mut::<Applyments, SubMerchants>();
    let mut record = applyments.records.get(&applyment_id).cloned().ok_or_else(not_found)?;
    let was_finished = record.stage() == Stage::Finish;
    if poll {
        record.record_poll();
    }
    record.advance(now, profile);
    if let Some(event) = event {
        record.apply(event, now).map_err(|e| {
            ApiError::invalid_request(format!("申请单当前状态不支持此操作: {e}"))
                .with_value(applyment_id.to_string())
        })?;
        record.advance(now, profile);
    }
    if matches!(record.stage(), Stage::NeedSign | Stage::Finish) && record.sub_mchid().is_none() {
        let sub_mchid = applyments.next_sub_mchid(sub_merchants);
        record.assign_sub_mchid(sub_mchid);
    }
    let onboarded = (!was_finished && record.stage() == Stage::Finish)
        .then(|| record.sub_mchid().map(str::to_owned))
        .flatten();
    if let Some(sub_mchid) = &onboarded {
        let fresh = sub_merchants.0.insert(sub_mchid.clone());
        assert!(fresh, "a new sub-merchant id was not in use");
    }
    applyments.records.insert(applyment_id, record.clone());
    if let Some(sub_mchid) = onboarded {
        tx.area_mut::<Settlements>().open(
            &sub_mchid,
            record.facts.organization_type.clone(),
            &record.facts.account,
        );
    }
    Ok(record)
}

/// `INVALID_REQUEST` naming a body member.
fn business_error(field: &str, value: &str, message: &str, issue: String) -> ApiError {
    ApiError::invalid_request(message.to_owned()).with_detail(ErrorDetail {
        field: Some(field.to_owned()),
        value: Some(value.into()),
        issue: Some(issue),
        location: Some(Location::Body.as_str().to_owned()),
        ..ErrorDetail::default()
    })
}

fn check_media(tx: &mut Txn<'_>, references: &[(String, String)]) -> Result<(), ApiError> {
    let mchid = tx.tenant().mchid().to_owned();
    let library = tx.area::<MediaLibrary>();
    for (pointer, media_id) in references {
        match library.get(media_id) {
            None => {
                return Err(business_error(
                    pointer,
                    media_id,
                    "MediaID 无效",
                    format!("no image with this MediaID was uploaded by merchant {mchid} (POST /v3/merchant/media/upload)"),
                ))
            }
            Some(file) if file.kind != MediaKind::Image => {
                return Err(business_error(pointer, media_id, "MediaID 无效", "is a video; this member takes an image".into()))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn is_personal(t: &OrganizationType) -> bool {
    matches!(t, OrganizationType::MicroMerchant | OrganizationType::IndividualSeller)
}

/// The business rules between applications: the 5-per-administrator limit for 小微 / 个人卖家
/// and a licence onboarded only once. `except` is the application being resubmitted.
fn check_between_applications(
    tx: &mut Txn<'_>,
    facts: &Facts,
    except: Option<u64>,
) -> Result<(), ApiError> {
    let applyments = tx.area::<Applyments>();
    let others = || applyments.records.values().filter(|r| Some(r.applyment_id) != except);
    if is_personal(&facts.organization_type) {
        let administered = others()
            .filter(|r| is_personal(&r.facts.organization_type))
            .filter(|r| r.facts.admin_id_number == facts.admin_id_number)
            .filter(|r| r.stage() != Stage::Canceled)
            .count();
        if administered >= MAX_PERSONAL_PER_ADMIN {
            return Err(ApiError::invalid_request(format!(
                "同一超级管理员在本平台最多进件{MAX_PERSONAL_PER_ADMIN}个小微商户/个人卖家"
            ))
            .with_detail(ErrorDetail {
                field: Some("/contact_info".into()),
                issue: Some(format!("this super administrator already has {administered} micro merchants / individual sellers that are not cancelled")),
                location: Some(Location::Body.as_str().to_owned()),
                ..ErrorDetail::default()
            }));
        }
    }
    if let Some(licence) = &facts.licence_number {
        if let Some(done) = others().find(|r| {
            r.stage() == Stage::Finish && r.facts.licence_number.as_ref() == Some(licence)
        }) {
            return Err(business_error(
                "/business_license_info/business_license_number",
                licence,
                "主体已入驻",
                format!(
                    "this licence was onboarded as sub-merchant {}",
                    done.sub_mchid().unwrap_or("?")
                ),
            ));
        }
    }
    Ok(())
}

async fn submit(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(request): WxJson<SubmitApplymentRequest>,
) -> Result<WxJson<SubmitApplymentResponse>, ApiError> {
    let plain = sensitive::decrypt(&caller, &request)?;
    rules::check(&plain)?;
    let facts = rules::facts(&plain);
    let references = rules::media_references(&plain);
    let out_request_no = plain.out_request_no;
    let profile = state.timing();
    let applyment_id = state.store().transact(caller.tenant(), |tx| {
        submit_checked(tx, &out_request_no, facts, &references, profile)
    })?;
    Ok(WxJson(SubmitApplymentResponse { applyment_id, out_request_no }))
}

/// A checked application (its sensitive members decrypted, [`rules::check`] passed) inside a
/// transaction: the same `out_request_no` with the same content answers the same id, other
/// content resubmits a rejected application; else the media and the rules between
/// applications are checked and a new application starts `CHECKING`.
///
/// # Errors
/// `400 INVALID_REQUEST` (a number in use, a bad MediaID, the per-administrator limit, a
/// licence onboarded already, the tenant full).
pub(crate) fn submit_checked(
    tx: &mut Txn<'_>,
    out_request_no: &str,
    facts: Facts,
    references: &[(String, String)],
    profile: TimingProfile,
) -> Result<u64, ApiError> {
    let now = tx.now_unix();
    if let Some(id) = tx.area::<Applyments>().id_of(out_request_no) {
        let current = drive(tx, id, profile, false, None)?;
        if current.facts.fingerprint == facts.fingerprint {
            return Ok(id);
        }
        if current.stage() != Stage::Rejected {
            return Err(business_error(
                    "/out_request_no",
                    out_request_no,
                    "业务申请编号已存在,且申请单当前状态不可修改",
                    format!(
                        "application {id} with this out_request_no is {} and has other content; only a REJECTED application can be resubmitted",
                        current.stage().state()
                    ),
                ));
        }
        check_media(tx, references)?;
        check_between_applications(tx, &facts, Some(id))?;
        drive(tx, id, profile, false, Some(Event::Resubmitted(Box::new(facts))))?;
        return Ok(id);
    }
    check_media(tx, references)?;
    check_between_applications(tx, &facts, None)?;
    let applyments = tx.area_mut::<Applyments>();
    if applyments.records.len() >= MAX_APPLYMENTS {
        return Err(ApiError::invalid_request(format!(
                "this mock keeps at most {MAX_APPLYMENTS} applications per merchant; reset it (POST /mock/admin/reset)"
            )));
    }
    let id = applyments.next_id();
    applyments.insert(Record::new(id, out_request_no.to_owned(), facts, now));
    Ok(id)
}

async fn query_by_id(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(applyment_id): WxPath<String>,
) -> Result<WxJson<Applyment>, ApiError> {
    let raw = applyment_id;
    let id = raw.parse::<u64>().map_err(|_| {
        ApiError::param_error("applyment_id", Location::Path, "must be a decimal number")
            .with_value(raw.clone())
    })?;
    let profile = state.timing();
    let record =
        state.store().transact(caller.tenant(), |tx| drive(tx, id, profile, true, None))?;
    view(&record, &caller).map(WxJson)
}

async fn query_by_out_request_no(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(out_request_no): WxPath<String>,
) -> Result<WxJson<Applyment>, ApiError> {
    let profile = state.timing();
    let record = state.store().transact(caller.tenant(), |tx| {
        let id = tx.area::<Applyments>().id_of(&out_request_no).ok_or_else(not_found)?;
        drive(tx, id, profile, true, None)
    })?;
    view(&record, &caller).map(WxJson)
}

/// `YYYY-MM-DD HH:MM:SS` in Beijing time, the shape of `account_validation.deadline`.
pub(crate) fn beijing_time(unix: i64) -> String {
    match DateTime::from_unix(unix) {
        Ok(t) => {
            let t = t.offset_date_time();
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            )
        }
        Err(_) => unix.to_string(),
    }
}

/// A signed link for the application (made up, stable per tenant and application).
fn link(caller: &Caller, what: &str, applyment_id: u64) -> String {
    let digest = sha256_hex(format!("{}:{what}:{applyment_id}", caller.mchid()).as_bytes());
    let token = digest.get(..16).unwrap_or(&digest);
    format!("https://pay.weixin.qq.com/public/apply4ec_sign/{what}?applymentId={applyment_id}&sign={token}")
}

/// The query answer for `record`, with the remittance names encrypted to the platform.
fn view(record: &Record, caller: &Caller) -> Result<Applyment, ApiError> {
    let stage = record.stage();
    let sign_state = record.sign_state();
    let (account_validation, legal_validation_url) = match (stage, record.check()) {
        (Stage::AccountNeedVerify, Some(check)) => {
            let account = &record.facts.account;
            let account_no = match account.bank_account_type {
                BankAccountType::Personal => {
                    Some(caller.encrypt_for_merchant(&account.account_number)?)
                }
                BankAccountType::Corporate | BankAccountType::Unknown(_) => None,
            };
            let validation = AccountValidation {
                account_name: caller.encrypt_for_merchant(&account.account_name)?,
                account_no,
                pay_amount: check.pay_amount_fen,
                destination_account_number: DESTINATION_ACCOUNT_NUMBER.into(),
                destination_account_name: DESTINATION_ACCOUNT_NAME.into(),
                destination_account_bank: DESTINATION_ACCOUNT_BANK.into(),
                city: DESTINATION_CITY.into(),
                remark: check.remark.clone(),
                deadline: beijing_time(check.deadline_unix),
            };
            let legal = (check.method == VerifyMethod::RemittanceOrLegalPerson)
                .then(|| link(caller, "legal_verify", record.applyment_id));
            (Some(validation), legal)
        }
        _ => (None, None),
    };
    Ok(Applyment {
        applyment_state: stage.state(),
        applyment_state_desc: stage.description().to_owned(),
        sign_url: (sign_state == SignState::Unsigned)
            .then(|| link(caller, "s", record.applyment_id)),
        sign_state: Some(sign_state),
        sub_mchid: matches!(stage, Stage::NeedSign | Stage::Finish)
            .then(|| record.sub_mchid().map(str::to_owned))
            .flatten(),
        account_validation,
        audit_detail: (matches!(stage, Stage::Rejected | Stage::Frozen)
            && !record.audit_detail().is_empty())
        .then(|| record.audit_detail().to_vec()),
        legal_validation_url,
        out_request_no: record.out_request_no.clone(),
        applyment_id: record.applyment_id,
    })
}
