//! Bills (账单): apply for trade and fund-flow bills and read where to download them.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `bill.tradebill` | `GET /v3/bill/tradebill` | query [`TradeBillParams`] | [`BillDownloadUrl`] |
//! | `bill.fundflowbill` | `GET /v3/bill/fundflowbill` | query [`FundFlowBillParams`] | [`BillDownloadUrl`] |
//! | `bill.ecommerce_fundflowbill` | `GET /v3/ecommerce/bill/fundflowbill` | query [`EcommerceFundFlowBillParams`] | [`EncryptedBillList`] |
//! | `bill.sub_merchant_fundflowbill` (extra) | `GET /v3/bill/sub-merchant-fundflowbill` | query [`SubMerchantFundFlowBillParams`] | [`EncryptedBillList`] |
//! | `bill.download` | `GET /v3/billdownload/file` | query [`BillDownloadParams`] | the file bytes, unsigned |
//!
//! Bills for a day are ready from 10:00 the next day. A `download_url` is valid for 5 minutes;
//! the file it names is checked against `hash_value` (SHA-1 of the decompressed file), not
//! against a response signature. [`BillDownloadUrl`], [`BillType`], [`TarType`] and
//! [`HashType`] live in [`crate::download`] because the abnormal-withdrawal bill uses them too.

use serde::{Deserialize, Serialize};

use crate::account::AccountType;
pub use crate::aead::AeadAlgorithm;
pub use crate::download::{BillDownloadUrl, BillType, HashType, TarType};
use crate::time::Date;

/// The query string of `bill.tradebill` (申请交易账单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeBillParams {
    /// The day of the bill, within the last 3 months (账单日期).
    pub bill_date: Date,
    /// Sub-merchant id; absent for the platform's own bill (二级商户号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_mchid: Option<String>,
    /// Records: `ALL` (the default), `SUCCESS` or `REFUND` (账单类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bill_type: Option<BillType>,
    /// Compression; absent for a plain file (压缩类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tar_type: Option<TarType>,
}

/// The query string of `bill.fundflowbill`, the platform's own fund-flow bill (申请资金账单).
///
/// The openapi repo also lists `sub_mchid`; wechatpay-java's request model does not, so it is
/// left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundFlowBillParams {
    /// The day of the bill, within the last 3 months (账单日期).
    pub bill_date: Date,
    /// Account: `BASIC` (the default), `OPERATION` or `FEES` (资金账户类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_type: Option<AccountType>,
    /// Compression; absent for a plain file (压缩类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tar_type: Option<TarType>,
}

/// The query string of `bill.ecommerce_fundflowbill`, the fund-flow bill of all sub-merchants
/// (申请二级商户资金账单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EcommerceFundFlowBillParams {
    /// The day of the bill, within the last 3 months (账单日期).
    pub bill_date: Date,
    /// Account: only `ALL` is accepted (资金账户类型).
    pub account_type: AccountType,
    /// How the files are to be encrypted (加密算法).
    pub algorithm: AeadAlgorithm,
    /// Compression; absent for plain files (压缩类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tar_type: Option<TarType>,
}

/// The query string of `bill.sub_merchant_fundflowbill` (extra), one sub-merchant's fund-flow
/// bill (申请单个子商户资金账单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubMerchantFundFlowBillParams {
    /// Sub-merchant id (子商户号).
    pub sub_mchid: String,
    /// The day of the bill (账单日期).
    pub bill_date: Date,
    /// Account: `BASIC`, `OPERATION` or `FEES` (资金账户类型).
    pub account_type: AccountType,
    /// How the files are to be encrypted (加密算法).
    pub algorithm: AeadAlgorithm,
    /// Compression; absent for plain files (压缩类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tar_type: Option<TarType>,
}

/// The encrypted bill files of a fund-flow bill: the response of `bill.ecommerce_fundflowbill`
/// and `bill.sub_merchant_fundflowbill` (下载信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedBillList {
    /// Number of bill files (下载信息总数).
    pub download_bill_count: i64,
    /// Bill files (下载信息明细).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub download_bill_list: Option<Vec<EncryptedBill>>,
}

/// One encrypted bill file (下载信息明细).
///
/// Decrypt the downloaded bytes with the key from `encrypt_key` and this `nonce` (AES-256-GCM,
/// tag appended), gunzip if `GZIP` was asked for, check `hash_value`, then concatenate the files
/// in `bill_sequence` order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedBill {
    /// File sequence number (账单文件序号).
    ///
    /// Note: starts at 1; concatenate decrypted files in order.
    pub bill_sequence: i64,
    /// Hash algorithm (哈希类型).
    pub hash_type: HashType,
    /// Hash of the bill file (哈希值).
    ///
    /// Note: SHA1 of the original (decrypted, decompressed) file.
    pub hash_value: String,
    /// Download URL (下载地址).
    ///
    /// Note: valid 5 minutes.
    pub download_url: String,
    /// Encrypted file key (加密密钥).
    ///
    /// Encrypted: arrives as RSA-OAEP ciphertext (base64); decrypt with the merchant API private key.
    /// Note: AES-256 key for this file, RSA-OAEP encrypted with the merchant API certificate public key, base64.
    pub encrypt_key: String,
    /// Nonce used for encryption (随机字符串).
    ///
    /// Note: GCM nonce for this file.
    pub nonce: String,
}

/// The query string of `bill.download`, `GET /v3/billdownload/file`.
///
/// Clients call the `download_url` they were given, query string and all; this type lets the
/// mock server read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillDownloadParams {
    /// Opaque token naming the file (下载令牌).
    pub token: String,
    /// Present in the URLs of gzip bills (压缩类型).
    ///
    /// Uncertain: the reference could not check its values.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tartype: Option<String>,
}
