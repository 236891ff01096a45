//! Withdrawals (`/v3/ecommerce/fund/withdraw…`, `/v3/merchant/fund/withdraw…`) on the ledger.
//!
//! ```text
//!        balance short                     enough balance (at create or a retry)
//!  INIT ◀─────────────── create ──────────────────────────────▶ CREATE_SUCCESS
//!   │ admin close                                   arrival      │      │ admin fail
//!   ▼                          (fast 60 virtual s, production 2 h) ▼      ▼
//!  CLOSE                                                   SUCCESS    FAIL (money back)
//!                                                             │ admin refund (bank bounce)
//!                                                             ▼
//!                                                           REFUND (money back)
//! ```
//!
//! Money: create moves `available → IN_TRANSIT` (for the platform's OPERATION / FEES /
//! DEPOSIT accounts, that account → `IN_TRANSIT`); arrival `IN_TRANSIT → EXTERNAL`; a failure
//! `IN_TRANSIT →` the source account; a bounce `EXTERNAL →` the source account. A create
//! whose balance is short is recorded as `INIT` and answered `403 NOT_ENOUGH`, as WeChat Pay
//! does; the same request again (same `out_request_no`, same amount) executes it once the
//! money is there. Idempotent by `(owner, out_request_no)`; other content under a known
//! number is `400 INVALID_REQUEST`. Arrivals happen when the tenant's withdrawals are next
//! looked at (a query, a balance, a bill, the admin API), at that virtual time.
//! `MCHWITHDRAW.CHANGE` goes to `notify_url` on every change when the request gave one.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use wechatpay_models::account::AccountType;
use wechatpay_models::time::DateTime;
use wechatpay_models::withdraw::{
    PlatformWithdraw, PlatformWithdrawRequest, PlatformWithdrawResponse, SubWithdraw,
    SubWithdrawParams, SubWithdrawRequest, SubWithdrawResponse, WithdrawNotification,
    WithdrawStatus,
};

use crate::callbacks::{check_notify_url, NewCallback};
use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxPath, WxQuery};
use crate::ledger::{Account, EntryKind, Purpose, Transfer};
use crate::policy::{Pending, Timing, TimingProfile, TransitionPolicy};
use crate::protocol::Caller;
use crate::state::MockState;
use crate::store::Txn;

/// CREATE_SUCCESS → SUCCESS.
pub(crate) const ARRIVAL_TIMING: Timing = Timing::new(
    TransitionPolicy::AfterVirtual(Duration::from_secs(60)),
    TransitionPolicy::AfterVirtual(Duration::from_secs(2 * 3600)),
);
/// Most withdrawals one tenant holds: a limit on everything.
const MAX_WITHDRAWALS: usize = 1_000_000;
/// Largest withdrawal: 800,000,000 yuan.
const MAX_AMOUNT_FEN: i64 = 80_000_000_000;

/// Whose withdrawal it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Owner {
    Sub(Arc<str>),
    Platform,
}

/// One withdrawal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Withdrawal {
    pub(crate) withdraw_id: String,
    pub(crate) out_request_no: String,
    pub(crate) owner: Owner,
    pub(crate) mchid: String,
    pub(crate) account_type: AccountType,
    pub(crate) source: Purpose,
    pub(crate) amount_fen: i64,
    pub(crate) status: WithdrawStatus,
    pub(crate) created_unix: i64,
    pub(crate) updated_unix: i64,
    pub(crate) pending: Pending,
    pub(crate) remark: Option<String>,
    pub(crate) bank_memo: Option<String>,
    pub(crate) notify_url: Option<String>,
    pub(crate) reason: Option<String>,
}

/// The withdrawals of a tenant (an [`crate::store::Area`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Withdrawals {
    pub(crate) by_id: imbl::OrdMap<Arc<str>, Arc<Withdrawal>>,
    by_out_no: imbl::HashMap<(Owner, Arc<str>), Arc<str>>,
    /// Withdrawals waiting to arrive, by id: what a catch-up looks at.
    in_flight: imbl::OrdSet<Arc<str>>,
    next_seq: u64,
}

/// What can happen to a withdrawal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// The balance now suffices (a retry of an INIT one).
    Execute,
    Arrive,
    Fail,
    Bounce,
    Close,
}

impl Event {
    /// The admin API's name of the event.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "success" => Some(Self::Arrive),
            "fail" => Some(Self::Fail),
            "refund" => Some(Self::Bounce),
            "close" => Some(Self::Close),
            _ => None,
        }
    }
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/ecommerce/fund/withdraw", post(sub_create))
        .route("/v3/ecommerce/fund/withdraw/{withdraw_id}", get(sub_query_by_id))
        .route(
            "/v3/ecommerce/fund/withdraw/out-request-no/{out_request_no}",
            get(sub_query_by_out_no),
        )
        .route("/v3/merchant/fund/withdraw", post(platform_create))
        .route("/v3/merchant/fund/withdraw/withdraw-id/{withdraw_id}", get(platform_query_by_id))
        .route(
            "/v3/merchant/fund/withdraw/out-request-no/{out_request_no}",
            get(platform_query_by_out_no),
        )
}

fn not_found() -> ApiError {
    ApiError::not_found("ORDER_NOT_EXIST", "提现单不存在")
}

fn param(field: &str, issue: impl Into<String>) -> ApiError {
    ApiError::param_error(field, Location::Body, issue)
}

fn not_enough() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "NOT_ENOUGH",
        "余额不足, 提现单已创建(INIT), 请在资金到账后使用相同参数重试",
    )
}

/// A create as the area sees it, from either endpoint.
pub(crate) struct NewWithdrawal<'a> {
    pub(crate) owner: Owner,
    pub(crate) mchid: &'a str,
    pub(crate) out_request_no: &'a str,
    pub(crate) amount_fen: i64,
    pub(crate) account_type: AccountType,
    pub(crate) remark: Option<&'a String>,
    pub(crate) bank_memo: Option<&'a String>,
    pub(crate) notify_url: Option<&'a String>,
}

/// What a create did: the withdrawal, and whether it stays INIT (answered NOT_ENOUGH after
/// the transaction committed, so the INIT record is kept).
pub(crate) struct Created {
    pub(crate) withdrawal: Withdrawal,
    pub(crate) short: bool,
}

fn source_of(account_type: &AccountType) -> Result<Purpose, ApiError> {
    match account_type {
        AccountType::Basic => Ok(Purpose::Available),
        AccountType::Operation => Ok(Purpose::Operation),
        AccountType::Fees => Ok(Purpose::Fees),
        AccountType::Deposit => Ok(Purpose::Deposit),
        other => Err(param("/account_type", format!("{other} is not a withdrawable account"))),
    }
}

fn check(req: &NewWithdrawal<'_>) -> Result<Purpose, ApiError> {
    let no = req.out_request_no;
    if no.is_empty() || no.len() > 32 || !no.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(param("/out_request_no", "must be 1 to 32 ASCII letters and digits"));
    }
    if !(1..=MAX_AMOUNT_FEN).contains(&req.amount_fen) {
        return Err(param("/amount", format!("must be 1 to {MAX_AMOUNT_FEN} fen")));
    }
    if req.remark.is_some_and(|r| r.chars().count() > 56) {
        return Err(param("/remark", "must be at most 56 characters"));
    }
    if req.bank_memo.is_some_and(|r| r.chars().count() > 32) {
        return Err(param("/bank_memo", "must be at most 32 characters"));
    }
    if let Some(url) = req.notify_url {
        check_notify_url(url).map_err(|e| param("/notify_url", e.to_string()))?;
    }
    source_of(&req.account_type)
}

fn create(
    tx: &mut Txn<'_>,
    req: &NewWithdrawal<'_>,
    profile: TimingProfile,
) -> Result<Created, ApiError> {
    let source = check(req)?;
    catch_up(tx, profile)?;
    let key = (req.owner.clone(), Arc::<str>::from(req.out_request_no));
    if let Some(id) = tx.area::<Withdrawals>().by_out_no.get(&key).cloned() {
        let existing = load(tx, &id)?;
        if existing.amount_fen != req.amount_fen || existing.account_type != req.account_type {
            return Err(ApiError::invalid_request(
                "out_request_no 已使用, 且与原请求的金额或账户不一致",
            ));
        }
        if existing.status != WithdrawStatus::Init {
            return Ok(Created { withdrawal: existing, short: false });
        }
        // A retry of an INIT withdrawal: execute it if the money is there now.
        let available = tx.ledger().balance(&Account::merchant(req.mchid, source));
        if available < existing.amount_fen {
            return Ok(Created { withdrawal: existing, short: true });
        }
        let w = apply(tx, &id, Event::Execute)?;
        return Ok(Created { withdrawal: w, short: false });
    }
    if tx.area::<Withdrawals>().by_id.len() >= MAX_WITHDRAWALS {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "FREQUENCY_LIMITED",
            "提现单过多",
        ));
    }
    let now = tx.now_unix();
    let withdraw_id: Arc<str> = {
        let w = tx.area_mut::<Withdrawals>();
        w.next_seq = w.next_seq.saturating_add(1);
        Arc::from(format!("{:010}{:010}", now.clamp(0, 9_999_999_999), w.next_seq % 10_000_000_000))
    };
    let withdrawal = Withdrawal {
        withdraw_id: withdraw_id.to_string(),
        out_request_no: req.out_request_no.to_owned(),
        owner: req.owner.clone(),
        mchid: req.mchid.to_owned(),
        account_type: req.account_type.clone(),
        source,
        amount_fen: req.amount_fen,
        status: WithdrawStatus::Init,
        created_unix: now,
        updated_unix: now,
        pending: Pending::new(now),
        remark: req.remark.cloned(),
        bank_memo: req.bank_memo.cloned(),
        notify_url: req.notify_url.cloned(),
        reason: None,
    };
    let w = tx.area_mut::<Withdrawals>();
    w.by_out_no.insert(key, withdraw_id.clone());
    w.by_id.insert(withdraw_id.clone(), Arc::new(withdrawal.clone()));
    let available = tx.ledger().balance(&Account::merchant(req.mchid, source));
    if available < req.amount_fen {
        notify(tx, &withdrawal)?;
        return Ok(Created { withdrawal, short: true });
    }
    let w = apply(tx, &withdraw_id, Event::Execute)?;
    Ok(Created { withdrawal: w, short: false })
}

fn load(tx: &mut Txn<'_>, id: &str) -> Result<Withdrawal, ApiError> {
    tx.area::<Withdrawals>().by_id.get(id).map(|w| Withdrawal::clone(w)).ok_or_else(not_found)
}

fn fen(amount: i64) -> Result<u64, ApiError> {
    u64::try_from(amount).map_err(|_| ApiError::system_error("a withdrawal amount is negative"))
}

/// Moves a withdrawal: its state machine and its money, in one `match`.
///
/// # Errors
/// `400 INVALID_REQUEST` for a move its state does not allow; `403 NOT_ENOUGH` when an
/// execution finds the balance short; the transaction then changes nothing.
pub(crate) fn apply(tx: &mut Txn<'_>, id: &str, event: Event) -> Result<Withdrawal, ApiError> {
    use WithdrawStatus as S;
    let mut w = load(tx, id)?;
    let own = Account::merchant(&w.mchid, w.source);
    let transit = Account::merchant(&w.mchid, Purpose::InTransit);
    let amount = fen(w.amount_fen)?;
    let reference = w.withdraw_id.clone();
    let (next, transfer, reason) = match (&w.status, event) {
        (S::Init, Event::Execute) => (
            S::CreateSuccess,
            Some(Transfer::new(EntryKind::Withdrawal, reference, own, transit, amount)),
            None,
        ),
        (S::CreateSuccess, Event::Arrive) => (
            S::Success,
            Some(Transfer::new(
                EntryKind::WithdrawalArrival,
                reference,
                transit,
                Account::External,
                amount,
            )),
            None,
        ),
        (S::CreateSuccess, Event::Fail) => (
            S::Fail,
            Some(Transfer::new(EntryKind::WithdrawalReturn, reference, transit, own, amount)),
            Some("银行账户信息有误, 提现失败"),
        ),
        (S::Success, Event::Bounce) => (
            S::Refund,
            Some(Transfer::new(
                EntryKind::WithdrawalReturn,
                reference,
                Account::External,
                own,
                amount,
            )),
            Some("银行退票, 资金已退回账户余额"),
        ),
        (S::Init, Event::Close) => (S::Close, None, Some("提现单已关闭")),
        (from, event) => {
            return Err(ApiError::invalid_request(format!(
                "提现单状态 {from} 不允许此操作 ({event:?})"
            )))
        }
    };
    if let Some(t) = transfer {
        tx.transfer(t.memo(w.out_request_no.clone()))?;
    }
    let now = tx.now_unix();
    w.status = next;
    w.updated_unix = now;
    w.pending = Pending::new(now);
    w.reason = reason.map(str::to_owned).or(w.reason);
    let key: Arc<str> = Arc::from(id);
    let area = tx.area_mut::<Withdrawals>();
    if w.status == S::CreateSuccess {
        area.in_flight.insert(key.clone());
    } else {
        area.in_flight.remove(&key);
    }
    area.by_id.insert(key, Arc::new(w.clone()));
    notify(tx, &w)?;
    Ok(w)
}

/// Lands every withdrawal whose arrival is due at the transaction's virtual time.
///
/// # Errors
/// As [`apply`] (never expected: an in-flight withdrawal's money is in transit).
pub(crate) fn catch_up(tx: &mut Txn<'_>, profile: TimingProfile) -> Result<(), ApiError> {
    let policy = ARRIVAL_TIMING.for_profile(profile);
    let now = tx.now_unix();
    let due: Vec<Arc<str>> = {
        let area = tx.area::<Withdrawals>();
        area.in_flight
            .iter()
            .filter(|id| area.by_id.get(*id).is_some_and(|w| policy.is_due(&w.pending, now)))
            .cloned()
            .collect()
    };
    for id in due {
        apply(tx, &id, Event::Arrive)?;
    }
    Ok(())
}

fn notify(tx: &mut Txn<'_>, w: &Withdrawal) -> Result<(), ApiError> {
    let Some(url) = &w.notify_url else { return Ok(()) };
    let resource = WithdrawNotification {
        sp_mchid: tx.tenant().mchid().to_owned(),
        sub_mchid: match &w.owner {
            Owner::Sub(m) => Some(m.to_string()),
            Owner::Platform => None,
        },
        status: w.status.clone(),
        withdraw_id: w.withdraw_id.clone(),
        out_request_no: w.out_request_no.clone(),
        amount: w.amount_fen,
        create_time: time(w.created_unix)?,
        update_time: time(w.updated_unix)?,
        reason: w.reason.clone(),
        remark: w.remark.clone(),
        bank_memo: w.bank_memo.clone(),
        account_type: w.account_type.clone(),
        account_number: Some("1234".into()),
        account_bank: Some("招商银行".into()),
        bank_name: None,
    };
    tx.enqueue_callback(NewCallback::from_resource(url, "MCHWITHDRAW.CHANGE", &resource)?)?;
    Ok(())
}

fn time(unix: i64) -> Result<DateTime, ApiError> {
    DateTime::from_unix(unix).map_err(|e| ApiError::system_error(format!("virtual time: {e}")))
}

fn sub_view(w: &Withdrawal, sp_mchid: &str) -> Result<SubWithdraw, ApiError> {
    Ok(SubWithdraw {
        sub_mchid: w.mchid.clone(),
        sp_mchid: sp_mchid.to_owned(),
        status: w.status.clone(),
        withdraw_id: w.withdraw_id.clone(),
        out_request_no: w.out_request_no.clone(),
        amount: w.amount_fen,
        create_time: Some(time(w.created_unix)?),
        update_time: Some(time(w.updated_unix)?),
        reason: w.reason.clone(),
        remark: w.remark.clone(),
        bank_memo: w.bank_memo.clone(),
        account_type: Some(w.account_type.clone()),
        account_number: Some("1234".into()),
        account_bank: Some("招商银行".into()),
        bank_name: None,
    })
}

fn platform_view(w: &Withdrawal) -> Result<PlatformWithdraw, ApiError> {
    Ok(PlatformWithdraw {
        status: w.status.clone(),
        withdraw_id: w.withdraw_id.clone(),
        out_request_no: w.out_request_no.clone(),
        amount: w.amount_fen,
        create_time: time(w.created_unix)?,
        update_time: time(w.updated_unix)?,
        reason: w.reason.clone(),
        remark: w.remark.clone(),
        bank_memo: w.bank_memo.clone(),
        account_type: w.account_type.clone(),
        solution: (w.status == WithdrawStatus::Fail)
            .then(|| "请核实结算银行账户后重新提现".to_owned()),
    })
}

/// Runs a create in a transaction; an INIT outcome commits, then answers NOT_ENOUGH.
fn run_create(
    state: &MockState,
    caller: &Caller,
    req: &NewWithdrawal<'_>,
) -> Result<Withdrawal, ApiError> {
    let created =
        state.store().transact(caller.tenant(), |tx| create_for(tx, req, state.timing()))?;
    if created.short {
        return Err(not_enough());
    }
    Ok(created.withdrawal)
}

/// A create from either endpoint inside a transaction: a sub-merchant's must be onboarded
/// here. A `short` outcome is meant to commit (the INIT record is kept) and then be answered
/// `403 NOT_ENOUGH`.
///
/// # Errors
/// `403 NO_AUTH`; as `create`: `400 PARAM_ERROR`, `400 INVALID_REQUEST`,
/// `429 FREQUENCY_LIMITED`.
pub(crate) fn create_for(
    tx: &mut Txn<'_>,
    req: &NewWithdrawal<'_>,
    profile: TimingProfile,
) -> Result<Created, ApiError> {
    if let Owner::Sub(m) = &req.owner {
        if !tx.is_sub_merchant(m) {
            return Err(ApiError::no_auth("二级商户未入驻本平台").with_value(m.to_string()));
        }
    }
    create(tx, req, profile)
}

async fn sub_create(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<SubWithdrawRequest>,
) -> Result<Json<SubWithdrawResponse>, ApiError> {
    let account_type = req.account_type.clone().unwrap_or(AccountType::Basic);
    let new = NewWithdrawal {
        owner: Owner::Sub(Arc::from(req.sub_mchid.as_str())),
        mchid: &req.sub_mchid,
        out_request_no: &req.out_request_no,
        amount_fen: req.amount,
        account_type,
        remark: req.remark.as_ref(),
        bank_memo: req.bank_memo.as_ref(),
        notify_url: req.notify_url.as_ref(),
    };
    let w = run_create(&state, &caller, &new)?;
    Ok(Json(SubWithdrawResponse {
        sub_mchid: w.mchid,
        withdraw_id: w.withdraw_id,
        out_request_no: w.out_request_no,
        account_type: Some(w.account_type),
    }))
}

async fn platform_create(
    caller: Caller,
    State(state): State<MockState>,
    WxJson(req): WxJson<PlatformWithdrawRequest>,
) -> Result<Json<PlatformWithdrawResponse>, ApiError> {
    let mchid = caller.mchid().to_owned();
    let new = NewWithdrawal {
        owner: Owner::Platform,
        mchid: &mchid,
        out_request_no: &req.out_request_no,
        amount_fen: req.amount,
        account_type: req.account_type.clone(),
        remark: req.remark.as_ref(),
        bank_memo: req.bank_memo.as_ref(),
        notify_url: req.notify_url.as_ref(),
    };
    let w = run_create(&state, &caller, &new)?;
    Ok(Json(PlatformWithdrawResponse {
        withdraw_id: w.withdraw_id,
        out_request_no: w.out_request_no,
    }))
}

/// Finds a withdrawal of `owner` by id or out_request_no, after landing due arrivals.
pub(crate) fn find(
    tx: &mut Txn<'_>,
    owner: &Owner,
    id: Option<&str>,
    out_request_no: Option<&str>,
    profile: TimingProfile,
) -> Result<Withdrawal, ApiError> {
    catch_up(tx, profile)?;
    let id: Arc<str> = match (id, out_request_no) {
        (Some(id), _) => Arc::from(id),
        (None, Some(no)) => tx
            .area::<Withdrawals>()
            .by_out_no
            .get(&(owner.clone(), Arc::from(no)))
            .cloned()
            .ok_or_else(not_found)?,
        (None, None) => return Err(not_found()),
    };
    let w = load(tx, &id)?;
    if w.owner != *owner {
        return Err(not_found());
    }
    Ok(w)
}

async fn sub_query_by_id(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(withdraw_id): WxPath<String>,
    WxQuery(q): WxQuery<SubWithdrawParams>,
) -> Result<Json<SubWithdraw>, ApiError> {
    let profile = state.timing();
    let owner = Owner::Sub(Arc::from(q.sub_mchid.as_str()));
    state
        .store()
        .transact(caller.tenant(), |tx| {
            let w = find(tx, &owner, Some(&withdraw_id), None, profile)?;
            sub_view(&w, tx.tenant().mchid())
        })
        .map(Json)
}

async fn sub_query_by_out_no(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(out_request_no): WxPath<String>,
    WxQuery(q): WxQuery<SubWithdrawParams>,
) -> Result<Json<SubWithdraw>, ApiError> {
    let profile = state.timing();
    let owner = Owner::Sub(Arc::from(q.sub_mchid.as_str()));
    state
        .store()
        .transact(caller.tenant(), |tx| {
            let w = find(tx, &owner, None, Some(&out_request_no), profile)?;
            sub_view(&w, tx.tenant().mchid())
        })
        .map(Json)
}

async fn platform_query_by_id(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(withdraw_id): WxPath<String>,
) -> Result<Json<PlatformWithdraw>, ApiError> {
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| {
            platform_view(&find(tx, &Owner::Platform, Some(&withdraw_id), None, profile)?)
        })
        .map(Json)
}

async fn platform_query_by_out_no(
    caller: Caller,
    State(state): State<MockState>,
    WxPath(out_request_no): WxPath<String>,
) -> Result<Json<PlatformWithdraw>, ApiError> {
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| {
            platform_view(&find(tx, &Owner::Platform, None, Some(&out_request_no), profile)?)
        })
        .map(Json)
}
