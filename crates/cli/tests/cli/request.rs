use wechatpay_mock::MockServer;

use crate::support::{mock_args, run_async};

// Proves `wxpay request GET /v3/certificates` prints the verified answer as pretty JSON
// (member order kept) on stdout and the status with Request-ID on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_certificates_pretty_json() {
    let mock = MockServer::start().await;
    let run = run_async(mock_args(&mock.base_url(), &["request", "GET", "/v3/certificates"])).await;
    assert!(run.ok(), "{run:?}");
    let body: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(body["data"][0]["serial_no"], mock.identity().platform_serial.clone().unwrap());
    assert!(
        run.stdout.starts_with("{\n  \"data\": [\n    {\n      \"serial_no\": "),
        "{}",
        run.stdout
    );
    let status = run.stderr.lines().next().unwrap();
    assert!(status.starts_with("HTTP 200 OK  Request-ID "), "{status}");
    assert!(status.len() > "HTTP 200 OK  Request-ID ".len() + 8, "{status}");
}

// Proves --encrypt RSA-OAEP-encrypts the named members end to end: the mock's echo decrypts
// them with the key Wechatpay-Serial names and answers the plaintext, and --query is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_echo_with_encrypted_fields() {
    let mock = MockServer::start().await;
    let body = r#"{"contact":{"name":"张三","mobile":"13900000000"},"plain":"x","sensitive":["/contact/name","/contact/mobile"]}"#;
    let run = run_async(mock_args(
        &mock.base_url(),
        &[
            "request",
            "POST",
            "/v3/security/echo",
            "--json",
            body,
            "--encrypt",
            "/contact/name",
            "--encrypt",
            "/contact/mobile",
        ],
    ))
    .await;
    assert!(run.ok(), "{run:?}");
    let echoed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(echoed["contact"]["name"], "张三");
    assert_eq!(echoed["contact"]["mobile"], "13900000000");
    assert_eq!(echoed["plain"], "x");
    // Without --encrypt the mock is handed plaintext where it expects ciphertext and refuses.
    let run = run_async(mock_args(
        &mock.base_url(),
        &["request", "POST", "/v3/security/echo", "--json", body],
    ))
    .await;
    let error = crate::support::assert_one_line_error(&run);
    assert!(error.starts_with("POST /v3/security/echo: WeChat Pay answered HTTP 400"), "{error}");
}

// Proves an unknown path is the mock's 404 on one line, with its detail and a hint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_path_is_one_line() {
    let mock = MockServer::start().await;
    let run = run_async(mock_args(
        &mock.base_url(),
        &["request", "GET", "/v3/nothing/here", "--query", "a=b c"],
    ))
    .await;
    let error = crate::support::assert_one_line_error(&run);
    assert!(
        error.starts_with("GET /v3/nothing/here: WeChat Pay answered HTTP 404 RESOURCE_NOT_EXISTS"),
        "{error}"
    );
    assert!(error.contains("no API at /v3/nothing/here"), "{error}");
}

// Proves a SIGN_ERROR (a key that does not belong to the serial) is one line with WeChat
// Pay's reason, and the hint names the serial and key used and the message the server
// checked, escaped so its lines show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_error_hint_names_serial_and_message() {
    let mock = MockServer::start().await;
    let id = mock.identity();
    let wrong_key = crate::support::fixture_arg("vectors/keys/pub_key_private.pem");
    let cert = crate::support::fixture_arg("vectors/keys/wechatpay_platform_cert.pem");
    let args: Vec<String> = [
        "--base-url",
        mock.base_url().as_str(),
        "--mchid",
        id.mchid.as_str(),
        "--serial",
        id.merchant_serial.as_str(),
        "--private-key",
        wrong_key.as_str(),
        "--platform-cert",
        cert.as_str(),
        "--apiv3-key",
        "TestOnlyApiV3Key0123456789abcdef",
        "request",
        "POST",
        "/v3/security/echo",
        "--json",
        r#"{"a":1}"#,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let run = run_async(args).await;
    let error = crate::support::assert_one_line_error(&run);
    assert!(
        error.starts_with("POST /v3/security/echo: WeChat Pay answered HTTP 401 SIGN_ERROR"),
        "{error}"
    );
    let hint = run.stderr.lines().nth(1).unwrap();
    assert!(
        hint.contains(&format!(
            "signed as mchid {} with merchant serial {}",
            id.mchid, id.merchant_serial
        )),
        "{hint}"
    );
    assert!(hint.contains(&format!("and key {wrong_key}")), "{hint}");
    assert!(hint.contains("WeChat Pay checked the message `POST\\n/v3/security/echo\\n"), "{hint}");
    assert!(hint.contains("\\n{\"a\":1}\\n`"), "{hint}");
    // The APIv3 key is never echoed.
    assert!(!run.stderr.contains("TestOnlyApiV3Key"), "{run:?}");
}
