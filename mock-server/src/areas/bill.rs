//! Bills (`/v3/bill/…`, `/v3/ecommerce/bill/fundflowbill`) generated from the ledger, the
//! payments and the refunds, in WeChat Pay's file layout, and their download route
//! `/v3/billdownload/file?token=…` (answered unsigned, like WeChat Pay's).
//!
//! - A day's bill (Beijing time) exists from 09:00 the next day on the tenant's virtual
//!   clock: before, `400 NO_STATEMENT_EXIST` (账单未生成); a day without any line is
//!   `400 NO_STATEMENT_EXIST` too (账单文件不存在); older than 90 days `400 INVALID_REQUEST`.
//! - The file is generated when applied for and kept behind a token for 5 virtual minutes;
//!   afterwards the URL answers `400 INVALID_REQUEST` (token无效或已过期).
//! - `hash_value` is the SHA-1 of the uncompressed (and unencrypted) file; `tar_type=GZIP`
//!   serves it gzip-compressed.
//! - The sub-merchant fund-flow bills are encrypted: a random AES-256 key per file, sent
//!   RSA-OAEP-encrypted to the merchant API certificate as `encrypt_key`; the file is
//!   AES-256-GCM (12-character `nonce`, no associated data) of the (compressed) content, tag
//!   appended.
//! - Trade bill: one line per payment (`SUCCESS`) and per refund (`REFUND`) booked that day.
//!   Fund-flow bill: one line per ledger entry moving money in or out of the account (BASIC =
//!   available + frozen, so an unfreeze is not a line), with the balance after it.

use std::io::Write;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use wechatpay_crypto::digest::sha1_hex;
use wechatpay_models::account::AccountType;
use wechatpay_models::bill::{
    BillDownloadParams, BillDownloadUrl, BillType, EncryptedBill, EncryptedBillList, HashType,
    TarType,
};
use wechatpay_models::time::{Date, DateTime};

use super::payments::Payments;
use super::refunds::Refunds;
use super::withdraw;
use crate::error::{ApiError, Location};
use crate::extract::WxQuery;
use crate::ledger::{day_end_unix, Account, Entry, EntryId, EntryKind, Ledger, Purpose};
use crate::protocol::{Caller, UnsignedResponse};
use crate::state::MockState;
use crate::store::{SubMerchants, Txn};

/// How long a `download_url` works, virtual seconds.
pub(crate) const URL_TTL_SECS: i64 = 300;
/// When a day's bill is ready: 09:00 Beijing time the next day.
pub(crate) const READY_AFTER_DAY_END_SECS: i64 = 9 * 3600;
/// How far back bills can be applied for, days.
const MAX_AGE_DAYS: i64 = 90;
/// Most live download tokens per tenant (expired ones are dropped first).
const MAX_TOKENS: usize = 1_000;
/// Most lines one generated bill holds: a limit on everything.
const MAX_LINES: usize = 1_000_000;

/// The files behind live download URLs (an [`crate::store::Area`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct BillFiles {
    tokens: imbl::OrdMap<Arc<str>, Arc<ServedFile>>,
}

/// The bytes one download URL serves, until `expires_unix`.
#[derive(Debug)]
struct ServedFile {
    expires_unix: i64,
    body: Vec<u8>,
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/bill/tradebill", get(trade_bill))
        .route("/v3/bill/fundflowbill", get(fund_flow_bill))
        .route("/v3/ecommerce/bill/fundflowbill", get(ecommerce_fund_flow_bill))
        .route("/v3/bill/sub-merchant-fundflowbill", get(sub_merchant_fund_flow_bill))
        .route("/v3/billdownload/file", get(download))
}

fn no_statement(message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "NO_STATEMENT_EXIST", message.to_owned())
}

/// The bill of `date` is ready at `now`, and not too old.
fn check_ready(date: Date, now: i64) -> Result<(i64, i64), ApiError> {
    let end = day_end_unix(date);
    let start = end - 86_400;
    if now < end.saturating_add(READY_AFTER_DAY_END_SECS) {
        return Err(no_statement("账单未生成, 次日9点后可申请").with_value(date.to_string()));
    }
    if now.saturating_sub(end) > MAX_AGE_DAYS * 86_400 {
        return Err(ApiError::invalid_request("账单日期超过三个月").with_value(date.to_string()));
    }
    Ok((start, end))
}

/// Where download URLs point: this mock, as the client reached it.
fn base_url(headers: &HeaderMap) -> Result<String, ApiError> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::invalid_request("a Host header is needed to build download_url")
        })?;
    Ok(format!("http://{host}"))
}

/// One line's fields, each prefixed with a backtick, joined by commas.
fn line(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('`');
        // A backtick or a line break inside a field would break the layout.
        out.extend(f.chars().filter(|c| !matches!(c, '`' | '\r' | '\n')));
    }
    out.push_str("\r\n");
}

fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn bill_time(unix: i64) -> String {
    DateTime::from_unix(unix)
        .map(|t| {
            let s = t.to_string(); // 2026-01-01T10:00:00+08:00
            s.get(..19).unwrap_or_default().replacen('T', " ", 1)
        })
        .unwrap_or_default()
}

/// Every entry of the day, oldest first. Entries are numbered 1..n in time order, so the
/// first one of the day is a binary search away.
fn day_entries(ledger: &Ledger, start: i64, end: i64) -> Result<Vec<Entry>, ApiError> {
    let time = |i: u64| ledger.entry(EntryId(i)).map(Entry::time_unix);
    let n = u64::try_from(ledger.len()).unwrap_or(u64::MAX);
    let (mut lo, mut hi) = (1u64, n.saturating_add(1));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if time(mid).is_some_and(|t| t < start) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let mut out = Vec::new();
    let mut id = lo;
    while let Some(e) = ledger.entry(EntryId(id)) {
        if e.time_unix() >= end {
            break;
        }
        if out.len() >= MAX_LINES {
            return Err(ApiError::system_error("the bill would have more than 1,000,000 lines"));
        }
        out.push(e.clone());
        id += 1;
    }
    Ok(out)
}

/// The trade bill's text.
fn trade_text(
    tx: &mut Txn<'_>,
    date: Date,
    sub_mchid: Option<&str>,
    bill_type: &BillType,
) -> Result<String, ApiError> {
    let now = tx.now_unix();
    let (start, end) = check_ready(date, now)?;
    let platform = tx.tenant().mchid().to_owned();
    let entries = day_entries(tx.ledger(), start, end)?;
    let (payments, refunds) = (tx.area::<Payments>().clone(), tx.area::<Refunds>().clone());
    let fee_rate_bp = payments.settings.fee_rate_bp;
    let want_pay = matches!(bill_type, BillType::All | BillType::Success);
    let want_refund = matches!(bill_type, BillType::All | BillType::Refund);
    let mut text = crate_header(&TRADE_COLUMNS);
    let (mut count, mut settle, mut refunded, mut fees, mut total, mut asked) =
        (0i64, 0, 0, 0, 0, 0);
    for e in &entries {
        let row = match e.kind() {
            EntryKind::Payment if want_pay => {
                let Some((p, t)) = payments.trade_by_transaction_id(e.reference()) else {
                    continue;
                };
                if sub_mchid.is_some_and(|s| s != t.sub_mchid) {
                    continue;
                }
                let amount = i64::try_from(e.amount_fen()).unwrap_or(i64::MAX);
                settle += amount;
                fees += t.fee_fen;
                total += amount;
                vec![
                    bill_time(e.time_unix()),
                    p.appid().to_owned(),
                    platform.clone(),
                    t.sub_mchid.clone(),
                    String::new(),
                    e.reference().to_owned(),
                    t.out_trade_no.clone(),
                    String::new(),
                    p.trade_type().to_string(),
                    "SUCCESS".into(),
                    "OTHERS".into(),
                    "CNY".into(),
                    yuan(amount),
                    yuan(0),
                    "0".into(),
                    "0".into(),
                    yuan(0),
                    yuan(0),
                    String::new(),
                    String::new(),
                    t.description.clone(),
                    t.attach.clone().unwrap_or_default(),
                    yuan(t.fee_fen),
                    rate(fee_rate_bp),
                    yuan(amount),
                    yuan(0),
                    String::new(),
                ]
            }
            EntryKind::Refund if want_refund => {
                let Some(r) = refunds.by_id.get(e.reference()) else { continue };
                if sub_mchid.is_some_and(|s| s != r.sub_mchid) {
                    continue;
                }
                let Some((p, t)) = payments.trade_by_transaction_id(&r.transaction_id) else {
                    continue;
                };
                let amount = i64::try_from(e.amount_fen()).unwrap_or(i64::MAX);
                refunded += amount;
                asked += amount;
                total += r.total_fen;
                vec![
                    bill_time(e.time_unix()),
                    p.appid().to_owned(),
                    platform.clone(),
                    r.sub_mchid.clone(),
                    String::new(),
                    r.transaction_id.clone(),
                    r.out_trade_no.clone(),
                    String::new(),
                    p.trade_type().to_string(),
                    "REFUND".into(),
                    "OTHERS".into(),
                    "CNY".into(),
                    yuan(0),
                    yuan(0),
                    r.refund_id.clone(),
                    r.out_refund_no.clone(),
                    yuan(amount),
                    yuan(0),
                    "ORIGINAL".into(),
                    r.status.as_str().into(),
                    t.description.clone(),
                    t.attach.clone().unwrap_or_default(),
                    yuan(0),
                    rate(fee_rate_bp),
                    yuan(r.total_fen),
                    yuan(amount),
                    String::new(),
                ]
            }
            _ => continue,
        };
        count += 1;
        line(&mut text, &row);
    }
    if count == 0 {
        return Err(no_statement("账单文件不存在"));
    }
    text.push_str(&TRADE_SUMMARY.join(","));
    text.push_str("\r\n");
    line(
        &mut text,
        &[
            count.to_string(),
            yuan(settle),
            yuan(refunded),
            yuan(0),
            yuan(fees),
            yuan(total),
            yuan(asked),
        ],
    );
    Ok(text)
}

fn rate(bp: u32) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

fn crate_header(columns: &[&str]) -> String {
    let mut s = columns.join(",");
    s.push_str("\r\n");
    s
}

const TRADE_COLUMNS: [&str; 27] = [
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
];
const TRADE_SUMMARY: [&str; 7] = [
    "总交易单数",
    "应结订单总金额",
    "退款总金额",
    "充值券退款总金额",
    "手续费总金额",
    "订单总金额",
    "申请退款总金额",
];
const FUND_COLUMNS: [&str; 11] = [
    "记账时间",
    "微信支付业务单号",
    "资金流水单号",
    "业务名称",
    "业务类型",
    "收支类型",
    "收支金额（元）",
    "账户结余（元）",
    "资金变更提交申请人",
    "备注",
    "业务凭证号",
];
const FUND_SUMMARY: [&str; 5] = ["资金流水总笔数", "收入笔数", "收入金额", "支出笔数", "支出金额"];

fn business_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Payment => "交易",
        EntryKind::Fee => "手续费",
        EntryKind::ProfitSharing => "分账",
        EntryKind::ProfitSharingReturn => "分账回退",
        EntryKind::Unfreeze => "解冻",
        EntryKind::Refund => "退款",
        EntryKind::RefundReturn => "垫付退款回补",
        EntryKind::Subsidy => "补差",
        EntryKind::SubsidyReturn => "补差回退",
        EntryKind::Withdrawal => "提现",
        EntryKind::WithdrawalArrival => "提现到账",
        EntryKind::WithdrawalReturn => "提现退回",
        EntryKind::AdminDeposit => "充值",
    }
}

/// The ledger purposes that make up a fund account.
fn purposes(account: &AccountType) -> Result<&'static [Purpose], ApiError> {
    match account {
        AccountType::Basic => Ok(&[Purpose::Available, Purpose::Frozen]),
        AccountType::Operation => Ok(&[Purpose::Operation]),
        AccountType::Fees => Ok(&[Purpose::Fees]),
        other => Err(ApiError::param_error(
            "account_type",
            Location::Query,
            format!("{other} is not BASIC, OPERATION or FEES"),
        )),
    }
}

/// Fund-flow lines of each merchant in `mchids` for the account made of `parts`.
fn fund_text(
    ledger: &Ledger,
    mchids: &[String],
    parts: &[Purpose],
    start: i64,
    end: i64,
) -> Result<Option<String>, ApiError> {
    let entries = day_entries(ledger, start, end)?;
    let inside = |a: &Account, m: &str| {
        a.mchid() == Some(m) && a.purpose().is_some_and(|p| parts.contains(&p))
    };
    let mut text = crate_header(&FUND_COLUMNS);
    let (mut count, mut in_n, mut in_fen, mut out_n, mut out_fen) = (0i64, 0i64, 0i64, 0i64, 0i64);
    for m in mchids {
        let mut balance: i64 =
            parts.iter().map(|p| ledger.balance_at(&Account::merchant(m, *p), start)).sum();
        for e in &entries {
            let (into, from) = (inside(e.credit(), m), inside(e.debit(), m));
            if into == from {
                continue; // not this account, or a move inside it (an unfreeze)
            }
            let amount = i64::try_from(e.amount_fen()).unwrap_or(i64::MAX);
            let direction = if into {
                balance += amount;
                in_n += 1;
                in_fen += amount;
                "收入"
            } else {
                balance -= amount;
                out_n += 1;
                out_fen += amount;
                "支出"
            };
            count += 1;
            line(
                &mut text,
                &[
                    bill_time(e.time_unix()),
                    e.reference().to_owned(),
                    e.id().to_string(),
                    business_name(e.kind()).into(),
                    business_name(e.kind()).into(),
                    direction.into(),
                    yuan(amount),
                    yuan(balance),
                    "system".into(),
                    e.memo().to_owned(),
                    e.reference().to_owned(),
                ],
            );
        }
    }
    if count == 0 {
        return Ok(None);
    }
    text.push_str(&FUND_SUMMARY.join(","));
    text.push_str("\r\n");
    line(
        &mut text,
        &[count.to_string(), in_n.to_string(), yuan(in_fen), out_n.to_string(), yuan(out_fen)],
    );
    Ok(Some(text))
}

fn gzip(data: &[u8]) -> Result<Vec<u8>, ApiError> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data)
        .and_then(|()| e.finish())
        .map_err(|e| ApiError::system_error(format!("gzip: {e}")))
}

/// Stores `body` behind a new token; its URL.
fn serve(tx: &mut Txn<'_>, base: &str, body: Vec<u8>, gz: bool) -> Result<String, ApiError> {
    let now = tx.now_unix();
    let files = tx.area_mut::<BillFiles>();
    let expired: Vec<Arc<str>> = files
        .tokens
        .iter()
        .filter(|(_, f)| f.expires_unix <= now)
        .map(|(k, _)| k.clone())
        .collect();
    for k in expired {
        files.tokens.remove(&k);
    }
    if files.tokens.len() >= MAX_TOKENS {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "FREQUENCY_LIMITED",
            "账单下载请求过多",
        ));
    }
    let token: Arc<str> = Arc::from(hex::encode(rand::random::<[u8; 16]>()));
    files
        .tokens
        .insert(token.clone(), Arc::new(ServedFile { expires_unix: now + URL_TTL_SECS, body }));
    let tar = if gz { "&tartype=gzip" } else { "" };
    Ok(format!("{base}/v3/billdownload/file?token={token}{tar}"))
}

fn plain_answer(
    tx: &mut Txn<'_>,
    base: &str,
    text: &str,
    tar: Option<&TarType>,
) -> Result<BillDownloadUrl, ApiError> {
    let gz = tar_gzip(tar)?;
    let body = if gz { gzip(text.as_bytes())? } else { text.as_bytes().to_vec() };
    Ok(BillDownloadUrl {
        hash_type: HashType::Sha1,
        hash_value: sha1_hex(text.as_bytes()),
        download_url: serve(tx, base, body, gz)?,
    })
}

fn tar_gzip(tar: Option<&TarType>) -> Result<bool, ApiError> {
    match tar {
        None => Ok(false),
        Some(TarType::Gzip) => Ok(true),
        Some(other) => {
            Err(ApiError::param_error("tar_type", Location::Query, format!("{other} is not GZIP")))
        }
    }
}

fn encrypted_answer(
    tx: &mut Txn<'_>,
    base: &str,
    text: &str,
    tar: Option<&TarType>,
    algorithm: &str,
) -> Result<EncryptedBillList, ApiError> {
    if algorithm != wechatpay_crypto::AEAD_AES_256_GCM {
        return Err(ApiError::param_error(
            "algorithm",
            Location::Query,
            "only AEAD_AES_256_GCM is served by this mock",
        ));
    }
    let gz = tar_gzip(tar)?;
    let content = if gz { gzip(text.as_bytes())? } else { text.as_bytes().to_vec() };
    let key = zeroize::Zeroizing::new(rand::random::<[u8; 32]>());
    let backend = wechatpay_crypto::Backend::default();
    let nonce = wechatpay_crypto::nonce::random_alphanumeric(backend, 12)
        .map_err(|e| ApiError::system_error(format!("nonce: {e}")))?;
    let nonce_bytes: [u8; 12] =
        nonce.as_bytes().try_into().map_err(|_| ApiError::system_error("nonce is not 12 bytes"))?;
    let sealed = backend
        .aead
        .seal(&key, &nonce_bytes, b"", &content)
        .map_err(|e| ApiError::system_error(format!("sealing a bill: {e}")))?;
    let tenant = tx.tenant();
    let cert = tenant
        .merchant_serials()
        .first()
        .and_then(|s| tenant.merchant_certificate(s))
        .ok_or_else(|| ApiError::system_error("the tenant has no merchant certificate"))?;
    let encrypt_key = cert
        .public_key()
        .encrypt_oaep(key.as_slice())
        .map(wechatpay_crypto::base64::encode)
        .map_err(|e| ApiError::system_error(format!("encrypting the file key: {e}")))?;
    Ok(EncryptedBillList {
        download_bill_count: 1,
        download_bill_list: Some(vec![EncryptedBill {
            bill_sequence: 1,
            hash_type: HashType::Sha1,
            hash_value: sha1_hex(text.as_bytes()),
            download_url: serve(tx, base, sealed, gz)?,
            encrypt_key,
            nonce,
        }]),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TradeQuery {
    bill_date: Date,
    sub_mchid: Option<String>,
    bill_type: Option<BillType>,
    tar_type: Option<TarType>,
}

async fn trade_bill(
    caller: Caller,
    State(state): State<MockState>,
    headers: HeaderMap,
    WxQuery(q): WxQuery<TradeQuery>,
) -> Result<Json<BillDownloadUrl>, ApiError> {
    let base = base_url(&headers)?;
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| {
            withdraw::catch_up(tx, profile)?;
            let bill_type = q.bill_type.clone().unwrap_or(BillType::All);
            if matches!(bill_type, BillType::NoSucc | BillType::Unknown(_)) {
                return Err(ApiError::param_error(
                    "bill_type",
                    Location::Query,
                    "ALL, SUCCESS or REFUND",
                ));
            }
            let text = trade_text(tx, q.bill_date, q.sub_mchid.as_deref(), &bill_type)?;
            plain_answer(tx, &base, &text, q.tar_type.as_ref())
        })
        .map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FundQuery {
    bill_date: Date,
    account_type: Option<AccountType>,
    tar_type: Option<TarType>,
}

async fn fund_flow_bill(
    caller: Caller,
    State(state): State<MockState>,
    headers: HeaderMap,
    WxQuery(q): WxQuery<FundQuery>,
) -> Result<Json<BillDownloadUrl>, ApiError> {
    let base = base_url(&headers)?;
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| {
            withdraw::catch_up(tx, profile)?;
            let parts = purposes(q.account_type.as_ref().unwrap_or(&AccountType::Basic))?;
            let (start, end) = check_ready(q.bill_date, tx.now_unix())?;
            let platform = vec![tx.tenant().mchid().to_owned()];
            let text = fund_text(tx.ledger(), &platform, parts, start, end)?
                .ok_or_else(|| no_statement("账单文件不存在"))?;
            plain_answer(tx, &base, &text, q.tar_type.as_ref())
        })
        .map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EcommerceQuery {
    bill_date: Date,
    account_type: AccountType,
    algorithm: String,
    tar_type: Option<TarType>,
}

async fn ecommerce_fund_flow_bill(
    caller: Caller,
    State(state): State<MockState>,
    headers: HeaderMap,
    WxQuery(q): WxQuery<EcommerceQuery>,
) -> Result<Json<EncryptedBillList>, ApiError> {
    let base = base_url(&headers)?;
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| {
            withdraw::catch_up(tx, profile)?;
            if q.account_type != AccountType::All {
                return Err(ApiError::param_error("account_type", Location::Query, "only ALL"));
            }
            let (start, end) = check_ready(q.bill_date, tx.now_unix())?;
            let subs: Vec<String> = tx.area::<SubMerchants>().0.iter().cloned().collect();
            let text =
                fund_text(tx.ledger(), &subs, &[Purpose::Available, Purpose::Frozen], start, end)?
                    .ok_or_else(|| no_statement("账单文件不存在"))?;
            encrypted_answer(tx, &base, &text, q.tar_type.as_ref(), &q.algorithm)
        })
        .map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubQuery {
    sub_mchid: String,
    bill_date: Date,
    account_type: AccountType,
    algorithm: String,
    tar_type: Option<TarType>,
}

async fn sub_merchant_fund_flow_bill(
    caller: Caller,
    State(state): State<MockState>,
    headers: HeaderMap,
    WxQuery(q): WxQuery<SubQuery>,
) -> Result<Json<EncryptedBillList>, ApiError> {
    let base = base_url(&headers)?;
    let profile = state.timing();
    state
        .store()
        .transact(caller.tenant(), |tx| {
            withdraw::catch_up(tx, profile)?;
            if !tx.is_sub_merchant(&q.sub_mchid) {
                return Err(
                    ApiError::no_auth("二级商户未入驻本平台").with_value(q.sub_mchid.clone())
                );
            }
            let parts = purposes(&q.account_type)?;
            let (start, end) = check_ready(q.bill_date, tx.now_unix())?;
            let text =
                fund_text(tx.ledger(), std::slice::from_ref(&q.sub_mchid), parts, start, end)?
                    .ok_or_else(|| no_statement("账单文件不存在"))?;
            encrypted_answer(tx, &base, &text, q.tar_type.as_ref(), &q.algorithm)
        })
        .map(Json)
}

async fn download(
    caller: Caller,
    State(state): State<MockState>,
    WxQuery(q): WxQuery<BillDownloadParams>,
) -> Result<Response, ApiError> {
    let now = caller.now_unix();
    let file = state
        .store()
        .read(caller.tenant(), |f: &BillFiles| f.tokens.get(q.token.as_str()).cloned())
        .filter(|f| f.expires_unix > now)
        .ok_or_else(|| {
            ApiError::invalid_request("token无效或已过期").with_value(q.token.clone())
        })?;
    let mut response =
        ([(header::CONTENT_TYPE, "application/octet-stream")], file.body.clone()).into_response();
    response.extensions_mut().insert(UnsignedResponse);
    Ok(response)
}
