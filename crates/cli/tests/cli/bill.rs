use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use wechatpay_crypto::{Backend, PrivateKey};
use wechatpay_mock::testing::ResponseSigner;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer as Stub, ResponseTemplate};

use crate::support::{assert_one_line_error, mock_args, run_async};

const TRADE_CSV: &str = "交易时间,公众账号ID,商户号,特约商户号,微信订单号,商户订单号\n`2025-01-31 10:34:56,`wx8888888888888888,`1900000100,`1900000109,`4200000985202103031441826014,`1217752501201407033233368018\n总交易单数,应结订单总金额\n`1,`1.00\n";

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A signed JSON answer, as WeChat Pay in public-key mode sends it.
fn signed(body: String) -> ResponseTemplate {
    let canned = ResponseSigner::public_key().sign(200, body).unwrap();
    ResponseTemplate::new(canned.status)
        .append_headers(canned.headers.clone())
        .set_body_raw(canned.body.to_vec(), "application/json")
}

/// `wxpay --mock --key-mode public-key --base-url <stub> bill download …`: the stub signs
/// with the mock's public key, so no certificate download is needed.
fn bill_args(stub: &Stub, rest: &[&str]) -> Vec<String> {
    let mut args = mock_args(&stub.uri(), &["--key-mode", "public-key", "bill", "download"]);
    args.extend(rest.iter().map(|s| (*s).to_owned()));
    args
}

// Proves a bill the mock refuses (2025-01-31 is over three months before its clock) gives a
// clear one-line 400 and no file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_without_bills_is_one_line() {
    let mock = wechatpay_mock::MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bill.csv");
    let run = run_async(mock_args(
        &mock.base_url(),
        &["bill", "download", "--date", "2025-01-31", "--out", out.to_str().unwrap()],
    ))
    .await;
    let error = assert_one_line_error(&run);
    assert!(
        error.starts_with("GET /v3/bill/tradebill: WeChat Pay answered HTTP 400 INVALID_REQUEST"),
        "{error}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

// Proves a gzip trade bill is applied for with the documented query, downloaded from its
// download_url, gunzipped, checked against the SHA-1 of the decompressed file and written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trade_bill_gzip() {
    let stub = Stub::start().await;
    let answer = serde_json::json!({
        "hash_type": "SHA1",
        "hash_value": wechatpay_crypto::digest::sha1_hex(TRADE_CSV.as_bytes()),
        "download_url": format!("{}/v3/billdownload/file?token=T0KEN&tartype=gzip", stub.uri()),
    });
    Mock::given(method("GET"))
        .and(path("/v3/bill/tradebill"))
        .and(query_param("bill_date", "2025-01-31"))
        .and(query_param("bill_type", "SUCCESS"))
        .and(query_param("tar_type", "GZIP"))
        .respond_with(signed(answer.to_string()))
        .expect(1)
        .mount(&stub)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/billdownload/file"))
        .and(query_param("token", "T0KEN"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(gzip(TRADE_CSV.as_bytes()), "application/octet-stream"),
        )
        .expect(1)
        .mount(&stub)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("trade.csv");
    let run = run_async(bill_args(
        &stub,
        &[
            "--date",
            "2025-01-31",
            "--bill-type",
            "SUCCESS",
            "--gzip",
            "--out",
            out.to_str().unwrap(),
        ],
    ))
    .await;
    assert!(run.ok(), "{run:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), TRADE_CSV);
    assert_eq!(run.stdout.trim(), out.display().to_string());
    assert!(run.stderr.contains("SHA-1 verified"), "{run:?}");
}

// Proves a file whose SHA-1 differs from hash_value is refused on one line and not kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_mismatch_keeps_nothing() {
    let stub = Stub::start().await;
    let answer = serde_json::json!({
        "hash_type": "SHA1",
        "hash_value": wechatpay_crypto::digest::sha1_hex(b"another file"),
        "download_url": format!("{}/v3/billdownload/file?token=X", stub.uri()),
    });
    Mock::given(path("/v3/bill/fundflowbill"))
        .and(query_param("account_type", "BASIC"))
        .respond_with(signed(answer.to_string()))
        .mount(&stub)
        .await;
    Mock::given(path("/v3/billdownload/file"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(TRADE_CSV.as_bytes().to_vec(), "text/csv"),
        )
        .mount(&stub)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fund.csv");
    let run = run_async(bill_args(
        &stub,
        &[
            "--kind",
            "fund-flow",
            "--account-type",
            "BASIC",
            "--date",
            "2025-01-31",
            "--out",
            out.to_str().unwrap(),
        ],
    ))
    .await;
    let error = assert_one_line_error(&run);
    assert!(error.starts_with("bill download failed: bill file 1: SHA-1 is "), "{error}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "neither the file nor a .part is left"
    );
}

// Proves the e-commerce fund-flow bill: two gzip files, each encrypted with its own AES key
// (sent RSA-OAEP-encrypted to the merchant key) and nonce, are decrypted, gunzipped, checked
// and concatenated in bill_sequence order even when listed out of order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecommerce_fund_flow_bill_encrypted() {
    let stub = Stub::start().await;
    let merchant =
        PrivateKey::from_pem(wechatpay_mock::identity::MERCHANT_PRIVATE_KEY_PEM).unwrap();
    let parts = [
        "记账时间,微信支付业务单号,资金流水单号\n`2025-01-31 10:00:00,`4200000985,`1900000109\n",
        "`2025-01-31 11:00:00,`4200000986,`1900000110\n",
    ];
    let mut list = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let sequence = i + 1;
        let aes_key = [u8::try_from(sequence).unwrap() * 17; 32];
        let nonce = format!("NonceOfFile{sequence}");
        let sealed = Backend::default()
            .aead
            .seal(&aes_key, nonce.as_bytes().try_into().unwrap(), b"", &gzip(part.as_bytes()))
            .unwrap();
        let encrypt_key = wechatpay_crypto::base64::encode(
            merchant.public_key().unwrap().encrypt_oaep(&aes_key).unwrap(),
        );
        Mock::given(path("/v3/billdownload/file"))
            .and(query_param("token", format!("F{sequence}")))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(sealed, "application/octet-stream"),
            )
            .expect(1)
            .mount(&stub)
            .await;
        list.push(serde_json::json!({
            "bill_sequence": sequence,
            "hash_type": "SHA1",
            "hash_value": wechatpay_crypto::digest::sha1_hex(part.as_bytes()),
            "download_url": format!("{}/v3/billdownload/file?token=F{sequence}", stub.uri()),
            "encrypt_key": encrypt_key,
            "nonce": nonce,
        }));
    }
    list.reverse();
    let answer = serde_json::json!({"download_bill_count": 2, "download_bill_list": list});
    Mock::given(path("/v3/ecommerce/bill/fundflowbill"))
        .and(query_param("account_type", "ALL"))
        .and(query_param("algorithm", "AEAD_AES_256_GCM"))
        .and(query_param("tar_type", "GZIP"))
        .respond_with(signed(answer.to_string()))
        .mount(&stub)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ecommerce.csv");
    let run = run_async(bill_args(
        &stub,
        &[
            "--kind",
            "ecommerce-fund-flow",
            "--date",
            "2025-01-31",
            "--gzip",
            "--out",
            out.to_str().unwrap(),
        ],
    ))
    .await;
    assert!(run.ok(), "{run:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), parts.concat());
}
