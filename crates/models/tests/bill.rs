//! Bill (账单) query strings and responses.

#![cfg(feature = "bill")]

mod support;

use support::{query_round_trip, round_trip};
use wechatpay_models::account::AccountType;
use wechatpay_models::bill::*;
use wechatpay_models::certificate::{CertificateAlgorithmType, CertificateListParams};
use wechatpay_models::time::Date;

fn day() -> Date {
    Date::from_ymd(2025, 1, 2).unwrap()
}

// Proves the trade and platform fund-flow bill parameters encode in order, optional ones left
// out, and their shared response parses.
#[test]
fn trade_and_fund_flow_bills() {
    let trade = TradeBillParams {
        bill_date: day(),
        sub_mchid: Some("1900000109".into()),
        bill_type: Some(BillType::Success),
        tar_type: Some(TarType::Gzip),
    };
    assert_eq!(
        query_round_trip(&trade),
        "bill_date=2025-01-02&sub_mchid=1900000109&bill_type=SUCCESS&tar_type=GZIP"
    );
    let plain =
        TradeBillParams { bill_date: day(), sub_mchid: None, bill_type: None, tar_type: None };
    assert_eq!(query_round_trip(&plain), "bill_date=2025-01-02");
    let fund = FundFlowBillParams {
        bill_date: day(),
        account_type: Some(AccountType::Operation),
        tar_type: None,
    };
    assert_eq!(query_round_trip(&fund), "bill_date=2025-01-02&account_type=OPERATION");
    let url: BillDownloadUrl = round_trip(
        r#"{"hash_type":"SHA1","hash_value":"79bb0f45fc4c42234a918000b2668d689e2bde04","download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO"}"#,
    );
    assert_eq!(url.hash_type, HashType::Sha1);
}

// Proves the encrypted fund-flow bill parameters encode, and the list of encrypted files
// parses with each file's key, nonce and sequence.
#[test]
fn encrypted_fund_flow_bills() {
    let all = EcommerceFundFlowBillParams {
        bill_date: day(),
        account_type: AccountType::All,
        algorithm: AeadAlgorithm::AeadAes256Gcm,
        tar_type: Some(TarType::Gzip),
    };
    assert_eq!(
        query_round_trip(&all),
        "bill_date=2025-01-02&account_type=ALL&algorithm=AEAD_AES_256_GCM&tar_type=GZIP"
    );
    let one = SubMerchantFundFlowBillParams {
        sub_mchid: "1900000109".into(),
        bill_date: day(),
        account_type: AccountType::Basic,
        algorithm: AeadAlgorithm::Sm4Gcm,
        tar_type: None,
    };
    assert_eq!(
        query_round_trip(&one),
        "sub_mchid=1900000109&bill_date=2025-01-02&account_type=BASIC&algorithm=SM4_GCM"
    );
    let list: EncryptedBillList = round_trip(
        r#"{"download_bill_count":2,"download_bill_list":[
            {"bill_sequence":1,"hash_type":"SHA1","hash_value":"79bb0f45fc4c42234a918000b2668d689e2bde04",
             "download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=a","encrypt_key":"a0YK7p/u1gS3oBXvE+2NkHhHq9i0o3l1mYYqEs9wZpQlA1pBcLXqJKEw==","nonce":"750e8a4bf7a3"},
            {"bill_sequence":2,"hash_type":"SHA1","hash_value":"f6e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3",
             "download_url":"https://api.mch.weixin.qq.com/v3/billdownload/file?token=b","encrypt_key":"b1ZL8q/v2hT4pCYwF+3OlIiIr0j1p4m2nZZrFt0xaqRmB2qCdMYrKLFx==","nonce":"861f9b5cg8b4"}]}"#,
    );
    assert_eq!(list.download_bill_count, 2);
    let files = list.download_bill_list.unwrap();
    assert_eq!(files.iter().map(|f| f.bill_sequence).collect::<Vec<_>>(), [1, 2]);
    let empty: EncryptedBillList = round_trip(r#"{"download_bill_count":0}"#);
    assert!(empty.download_bill_list.is_none());
}

// Proves the download parameters read a real download_url's query string back.
#[test]
fn download_params_read_a_download_url() {
    let query =
        "token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO&tartype=gzip";
    let params: BillDownloadParams = serde_urlencoded::from_str(query).unwrap();
    assert_eq!(params.tartype.as_deref(), Some("gzip"));
    assert_eq!(query_round_trip(&params), query);
}

// Proves the certificate list parameter encodes like signature vector S02's query string.
#[test]
fn certificate_params_encode_like_s02() {
    let params = CertificateListParams { algorithm_type: Some(CertificateAlgorithmType::Rsa) };
    assert_eq!(query_round_trip(&params), "algorithm_type=RSA");
    assert_eq!(query_round_trip(&CertificateListParams::default()), "");
}
