use wechatpay_mock::MockServer;

use crate::support::{mock_args, run_async};

// Proves `wxpay certificates` downloads, verifies and decrypts the mock's platform
// certificate and saves it as <SERIAL>.pem, byte for byte the certificate the mock serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_each_certificate_by_serial() {
    let mock = MockServer::start().await;
    let out = tempfile::tempdir().unwrap();
    let run = run_async(mock_args(
        &mock.base_url(),
        &["certificates", "--out", out.path().to_str().unwrap()],
    ))
    .await;
    assert!(run.ok(), "{run:?}");
    let id = mock.identity();
    let serial = id.platform_serial.clone().unwrap();
    let path = out.path().join(format!("{serial}.pem"));
    let saved = std::fs::read_to_string(&path).unwrap();
    assert_eq!(saved, id.platform_certificate_pem.clone().unwrap());
    // One line per certificate: serial, validity, path.
    let line = run.stdout.lines().next().unwrap();
    assert!(
        line.starts_with(&format!(
            "{serial}  valid 2024-01-01T08:00:00+08:00 .. 2050-01-01T07:59:59+08:00  "
        )),
        "{line}"
    );
    assert!(line.ends_with(&path.display().to_string()), "{line}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);

    // The folder is what --platform-cert takes: R01 verifies against the saved certificate.
    let r01 =
        &crate::support::json_fixture("vectors/response_verification_vectors.json")["cases"][0];
    let scratch = tempfile::tempdir().unwrap();
    let body = scratch.path().join("r01.json");
    std::fs::write(&body, r01["body"].as_str().unwrap()).unwrap();
    let mut verify =
        vec!["--platform-cert".to_owned(), out.path().display().to_string(), "verify".into()];
    for (flag, member) in [
        ("--timestamp", "timestamp"),
        ("--nonce", "nonce"),
        ("--serial", "serial"),
        ("--signature", "signature"),
        ("--now", "verify_at"),
    ] {
        verify.extend([flag.to_owned(), r01[member].as_str().unwrap().to_owned()]);
    }
    verify.extend(["--body".into(), format!("@{}", body.display())]);
    let verified = run_async(verify).await;
    assert!(verified.ok(), "{verified:?}");
}

// Proves a wrong APIv3 key is one error line naming the certificate, with the hint that
// the key is wrong, and nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_apiv3_key() {
    let mock = MockServer::start().await;
    let out = tempfile::tempdir().unwrap();
    let id = mock.identity();
    let key = crate::support::fixture_arg("vectors/keys/apiclient_key.pem");
    let args: Vec<String> = [
        "--base-url",
        &mock.base_url(),
        "--mchid",
        &id.mchid,
        "--serial",
        &id.merchant_serial,
        "--private-key",
        &key,
        "certificates",
        "--out",
        out.path().to_str().unwrap(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let run = tokio::task::spawn_blocking(move || {
        crate::support::run_cmd(
            crate::support::wxpay()
                .args(&args)
                .env("WXPAY_APIV3_KEY", "WrongApiV3Key0123456789abcdefXYZ"),
        )
    })
    .await
    .unwrap();
    let error = crate::support::assert_one_line_error(&run);
    assert!(error.starts_with("GET /v3/certificates: response failed verification"), "{error}");
    assert!(error.contains("could not be decrypted"), "{error}");
    assert!(
        run.stderr.contains("hint: AES-GCM did not authenticate: usually a wrong APIv3 key"),
        "{run:?}"
    );
    // The APIv3 key itself is never echoed.
    assert!(!run.stderr.contains("WrongApiV3Key"), "{run:?}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}
