//! # wechatpay-bill
//!
//! Bills (账单) a finance team can trust: apply for them, download them, check them, parse
//! them.
//!
//! - Apply: [`Bills::trade_bill`] (交易账单), [`Bills::fund_flow_bill`] (the platform's
//!   资金账单), [`Bills::ecommerce_fund_flow_bill`] (every sub-merchant's, encrypted) and
//!   [`Bills::sub_merchant_fund_flow_bill`] (one sub-merchant's, encrypted). A day's bills
//!   exist from the next morning; the `download_url` lives 5 minutes.
//! - Download: [`Bills::download`] / [`Bills::download_encrypted`]. The file is not signed
//!   by WeChat Pay; it is checked by the SHA-1 of its uncompressed content (`hash_value`).
//!   It streams through gunzip and SHA-1 into `<out>.part`, renamed to `<out>` only after the
//!   digest matched, so memory does not grow with the file and a tampered, truncated or
//!   corrupt download is an error, never a file that looks complete. Encrypted files are the
//!   exception to streaming: AES-GCM authenticates only at the end, so each one is held in
//!   memory, at most [`DownloadOptions::max_encrypted_bytes`], and used only once its tag
//!   verified.
//! - Parse: [`VerifiedBill::trade_bill`] / [`VerifiedBill::fund_flow_bill`] into typed rows
//!   with amounts in fen, checking that the summary lines agree with the rows;
//!   [`BillReader`] reads line by line for files too large to hold.
//!
//! ```
//! use wechatpay_bill::read_fund_flow_bill;
//!
//! let csv = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号\n\
//! `2026-01-01 10:00:00,`4200000001,`1,`交易,`交易,`收入,`100.00,`100.00,`system,`,`\n\
//! 资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额\n\
//! `1,`1,`100.00,`0,`0.00\n";
//! let bill = read_fund_flow_bill(csv.as_bytes())?;
//! assert_eq!(bill.rows[0].amount_fen, 10_000);
//! # Ok::<(), wechatpay_bill::ParseError>(())
//! ```
//!
//! docs/guides/funds-and-bills.md walks through reconciliation against the mock server.
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod apply;
mod decrypt;
mod download;
mod error;
mod parse;
mod sink;

use std::path::Path;

pub use apply::{
    ApplyEcommerceFundFlowBill, ApplyFundFlowBill, ApplySubMerchantFundFlowBill, ApplyTradeBill,
};
pub use decrypt::{decrypt_file, file_key};
pub use download::{
    download_encrypted_to_path, download_to_path, download_to_writer, part_path, DownloadOptions,
    Progress, VerifiedBill, DEFAULT_MAX_BYTES, DEFAULT_MAX_ENCRYPTED_BYTES,
};
pub use error::BillError;
pub use parse::{
    fen_to_yuan, read_fund_flow_bill, read_trade_bill, yuan_to_fen, BillReader, Direction,
    FundFlowBill, FundFlowRow, FundFlowSummary, Line, ParseError, TradeBill, TradeBillRow,
    TradeBillSummary, FUND_FLOW_COLUMNS, FUND_FLOW_SUMMARY_COLUMNS, MAX_LINE_BYTES,
    TRADE_BILL_COLUMNS, TRADE_SUMMARY_COLUMNS,
};
pub use sink::{check_hash, BillSink, Digested, SinkError};
pub use wechatpay_models::account::AccountType;
pub use wechatpay_models::bill::*;
pub use wechatpay_models::time::Date;
pub use wechatpay_transport::{Error, Transport};

/// Bills through one [`Transport`] (signed as the platform). Cheap to clone.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport) -> Result<(), Box<dyn std::error::Error>> {
/// use wechatpay_bill::{Bills, Date, DownloadOptions, TarType, TradeBillParams};
///
/// let bills = Bills::new(transport);
/// let info = bills
///     .trade_bill(&TradeBillParams {
///         bill_date: Date::parse("2026-01-01")?,
///         sub_mchid: None,
///         bill_type: None,
///         tar_type: Some(TarType::Gzip),
///     })
///     .await?;
/// let file = bills.download(&info, &DownloadOptions::gzip(), "trade-2026-01-01.csv".as_ref()).await?;
/// let bill = file.trade_bill()?;
/// println!("{} orders, {} fen", bill.summary.count, bill.summary.settlement_total_fen);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Bills {
    transport: Transport,
}

impl Bills {
    /// Calls sent through `transport`.
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Applies for a trade bill.
    ///
    /// # Errors
    /// [`Error::Api`] with `NO_STATEMENT_EXIST` (no bill for that day, or not generated
    /// yet), `STATEMENT_CREATING`, `INVALID_REQUEST` (older than 3 months); others as
    /// [`Transport::execute`].
    pub async fn trade_bill(&self, params: &TradeBillParams) -> Result<BillDownloadUrl, Error> {
        self.transport.execute(&ApplyTradeBill::new(params)).await
    }

    /// Applies for the platform's fund-flow bill.
    ///
    /// # Errors
    /// As [`trade_bill`](Self::trade_bill).
    pub async fn fund_flow_bill(
        &self,
        params: &FundFlowBillParams,
    ) -> Result<BillDownloadUrl, Error> {
        self.transport.execute(&ApplyFundFlowBill::new(params)).await
    }

    /// Applies for the fund-flow bill of every sub-merchant (encrypted files).
    ///
    /// # Errors
    /// As [`trade_bill`](Self::trade_bill).
    pub async fn ecommerce_fund_flow_bill(
        &self,
        params: &EcommerceFundFlowBillParams,
    ) -> Result<EncryptedBillList, Error> {
        self.transport.execute(&ApplyEcommerceFundFlowBill::new(params)).await
    }

    /// Applies for one sub-merchant's fund-flow bill (encrypted files).
    ///
    /// # Errors
    /// As [`trade_bill`](Self::trade_bill).
    pub async fn sub_merchant_fund_flow_bill(
        &self,
        params: &SubMerchantFundFlowBillParams,
    ) -> Result<EncryptedBillList, Error> {
        self.transport.execute(&ApplySubMerchantFundFlowBill::new(params)).await
    }

    /// Downloads and verifies a trade or fund-flow bill into `out` (see
    /// [`download_to_path`]).
    ///
    /// # Errors
    /// As [`download_to_path`].
    pub async fn download(
        &self,
        info: &BillDownloadUrl,
        options: &DownloadOptions,
        out: &Path,
    ) -> Result<VerifiedBill, BillError> {
        download_to_path(&self.transport, info, options, out, &mut |_| {}).await
    }

    /// Downloads, decrypts and verifies an encrypted fund-flow bill into `out` (see
    /// [`download_encrypted_to_path`]).
    ///
    /// # Errors
    /// As [`download_encrypted_to_path`].
    pub async fn download_encrypted(
        &self,
        list: &EncryptedBillList,
        merchant_key: &wechatpay_crypto::PrivateKey,
        options: &DownloadOptions,
        out: &Path,
    ) -> Result<VerifiedBill, BillError> {
        download_encrypted_to_path(&self.transport, list, merchant_key, options, out, &mut |_| {})
            .await
    }

    /// The transport used.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}
