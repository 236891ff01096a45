//! The ledgers: `GET /mock/admin/ledger/balances`, `GET /mock/admin/ledger/entries`,
//! `GET /mock/admin/ledger/check`, and `POST /mock/admin/ledger/deposit` to put money on an
//! account for a test. Every call takes `mchid` (the tenant; the first one when absent).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Location};
use crate::extract::{WxJson, WxQuery};
use crate::ledger::{
    Account, Entry, EntryFilter, EntryKind, InvariantReport, Ledger, LedgerError, Purpose, Transfer,
};
use crate::state::MockState;

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/ledger/balances", get(balances))
        .route("/ledger/entries", get(entries))
        .route("/ledger/check", get(check))
        .route("/ledger/deposit", post(deposit))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BalancesQuery {
    mchid: Option<String>,
    /// Only the accounts of this merchant.
    owner: Option<String>,
}

#[derive(Debug, Serialize)]
struct BalanceView {
    account: Account,
    owner: Option<String>,
    purpose: Option<Purpose>,
    balance_fen: i64,
}

#[derive(Debug, Serialize)]
struct Balances {
    mchid: String,
    now_unix: i64,
    accounts: Vec<BalanceView>,
}

async fn balances(
    State(state): State<MockState>,
    WxQuery(q): WxQuery<BalancesQuery>,
) -> Result<Json<Balances>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let accounts = state.store().read(&tenant, |l: &Ledger| {
        l.balances()
            .filter(|(a, _)| q.owner.as_deref().is_none_or(|o| a.mchid() == Some(o)))
            .map(|(a, balance_fen)| BalanceView {
                account: a.clone(),
                owner: a.mchid().map(str::to_owned),
                purpose: a.purpose(),
                balance_fen,
            })
            .collect()
    });
    Ok(Json(Balances { mchid: tenant.mchid().to_owned(), now_unix: tenant.now_unix(), accounts }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntriesQuery {
    mchid: Option<String>,
    account: Option<Account>,
    owner: Option<String>,
    kind: Option<EntryKind>,
    reference: Option<String>,
    from_unix: Option<i64>,
    to_unix: Option<i64>,
    after_id: Option<u64>,
    limit: Option<usize>,
}

async fn entries(
    State(state): State<MockState>,
    WxQuery(q): WxQuery<EntriesQuery>,
) -> Result<Json<Vec<Entry>>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    let filter = EntryFilter {
        account: q.account,
        owner: q.owner,
        kind: q.kind,
        reference: q.reference,
        from_unix: q.from_unix,
        to_unix: q.to_unix,
        after_id: q.after_id,
        limit: q.limit,
    };
    Ok(Json(state.store().read(&tenant, |l: &Ledger| l.entries(&filter))))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Which {
    mchid: Option<String>,
}

async fn check(
    State(state): State<MockState>,
    WxQuery(q): WxQuery<Which>,
) -> Result<Json<InvariantReport>, ApiError> {
    let tenant = super::tenant_or_default(&state, q.mchid.as_deref())?;
    Ok(Json(state.store().read(&tenant, Ledger::check_report)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Deposit {
    mchid: Option<String>,
    account: Account,
    amount_fen: u64,
    memo: Option<String>,
}

async fn deposit(
    State(state): State<MockState>,
    WxJson(req): WxJson<Deposit>,
) -> Result<Json<Entry>, ApiError> {
    let tenant = super::tenant_or_default(&state, req.mchid.as_deref())?;
    if req.account == Account::External {
        return Err(ApiError::param_error(
            "/account",
            Location::Body,
            "deposit to a merchant account; EXTERNAL is where the money comes from",
        ));
    }
    let transfer = Transfer::new(
        EntryKind::AdminDeposit,
        "admin",
        Account::External,
        req.account,
        req.amount_fen,
    )
    .memo(req.memo.unwrap_or_else(|| "deposit through the admin API".to_owned()));
    let entry = state.store().transact(&tenant, |tx| {
        let id = tx.transfer(transfer).map_err(|e| {
            let field = match &e {
                LedgerError::TooLong { field: "memo", .. } => "/memo",
                _ => "/amount_fen",
            };
            ApiError::param_error(field, Location::Body, e.to_string())
        })?;
        tx.ledger()
            .entry(id)
            .cloned()
            .ok_or_else(|| ApiError::system_error("the entry just written is missing"))
    })?;
    Ok(Json(entry))
}
