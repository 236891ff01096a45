//! Bill files: where to download them and how to check them.
//!
//! The bill APIs (`bill` feature) and the abnormal-withdrawal bill (`withdraw` feature) answer
//! with a short-lived `download_url` and the SHA-1 of the file; the file itself comes from
//! `GET /v3/billdownload/file`, unsigned, gzip-compressed when `tar_type=GZIP` was asked for.

use serde::{Deserialize, Serialize};

open_enum! {
    /// Which records a bill file holds (账单类型).
    pub enum BillType {
        /// All orders, without recharge refunds; trade bills (所有订单(不含充值退款)).
        All = "ALL",
        /// Successful payments; trade bills (支付成功订单).
        Success = "SUCCESS",
        /// Refunds; trade bills (退款订单).
        Refund = "REFUND",
        /// Abnormal (unsuccessful) withdrawals; the abnormal-withdrawal bill's path segment (提现异常).
        NoSucc = "NO_SUCC",
    }
}

open_enum! {
    /// How a bill file is compressed (压缩类型); omit the parameter for plain text.
    pub enum TarType {
        /// gzip-compressed file (GZIP压缩).
        Gzip = "GZIP",
    }
}

open_enum! {
    /// The digest algorithm of `hash_value` (哈希类型).
    pub enum HashType {
        /// SHA-1, lower-case hex (SHA1摘要).
        Sha1 = "SHA1",
    }
}

/// Where to download one bill file and the digest to check it against (账单下载信息).
///
/// The response of `bill.tradebill`, `bill.fundflowbill` and `withdraw.abnormal_bill`. For
/// the abnormal-withdrawal bill only the openapi repo lists these members (uncertain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillDownloadUrl {
    /// Hash algorithm (哈希类型).
    pub hash_type: HashType,
    /// Hash of the bill file, hex (哈希值).
    ///
    /// Note: the digest of the decompressed file.
    pub hash_value: String,
    /// Download URL, valid for 5 minutes; GET it with a signed request (账单下载地址).
    pub download_url: String,
}
