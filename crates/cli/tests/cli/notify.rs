use crate::support::{assert_one_line_error, fixture_arg, json_fixture, run};

/// Writes a notify vector's headers (as `Name: value` lines, or JSON) and raw body to files.
fn save(case: &serde_json::Value, dir: &std::path::Path, json_headers: bool) -> (String, String) {
    let headers = case["headers"].as_object().unwrap();
    let text = if json_headers {
        serde_json::to_string(headers).unwrap()
    } else {
        let mut text = String::from("POST /notify HTTP/1.1\r\n");
        for (name, value) in headers {
            text.push_str(&format!("{name}: {}\r\n", value.as_str().unwrap()));
        }
        text
    };
    let h = dir.join("headers.txt");
    let b = dir.join("body.json");
    std::fs::write(&h, text).unwrap();
    std::fs::write(&b, case["body"].as_str().unwrap()).unwrap();
    (h.display().to_string(), b.display().to_string())
}

fn keys() -> Vec<String> {
    vec![
        "--platform-cert".into(),
        fixture_arg("vectors/keys/wechatpay_platform_cert.pem"),
        "--public-key".into(),
        fixture_arg("vectors/keys/pub_key.pem"),
        "--public-key-id".into(),
        "PUB_KEY_ID_0119000001002025010100000001".into(),
        "--apiv3-key".into(),
        "TestOnlyApiV3Key0123456789abcdef".into(),
    ]
}

// Proves the saved N01 callback verifies and decrypts, printing the event type on stderr and
// the decrypted resource on stdout, pretty, in its own member order, equal to the plaintext.
#[test]
fn n01_decrypts() {
    let vectors = json_fixture("vectors/notify_vectors.json");
    let n01 = &vectors["cases"][0];
    assert_eq!(n01["id"], "N01");
    let dir = tempfile::tempdir().unwrap();
    for json_headers in [false, true] {
        let (h, b) = save(n01, dir.path(), json_headers);
        let mut args = keys();
        args.extend(
            ["notify", "decrypt", "--headers", &h, "--body", &b, "--no-verify-time"]
                .map(String::from),
        );
        let run = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(run.ok(), "{run:?}");
        assert!(run.stderr.lines().any(|l| l == "event_type: TRANSACTION.SUCCESS"), "{run:?}");
        assert!(run.stderr.lines().any(|l| l == "summary: 支付成功"), "{run:?}");
        let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let plaintext: serde_json::Value =
            serde_json::from_str(n01["plaintext"].as_str().unwrap()).unwrap();
        assert_eq!(printed, plaintext);
        assert!(
            run.stdout.starts_with("{\n  \"sp_appid\": \"wx8888888888888888\",\n  \"sp_mchid\""),
            "{}",
            run.stdout
        );
    }
}

// Proves N03 (public-key mode) decrypts with the --mock identity's keys.
#[test]
fn n03_with_mock_identity() {
    let vectors = json_fixture("vectors/notify_vectors.json");
    let n03 = &vectors["cases"][2];
    let dir = tempfile::tempdir().unwrap();
    let (h, b) = save(n03, dir.path(), false);
    let run =
        run(&["--mock", "notify", "decrypt", "--headers", &h, "--body", &b, "--no-verify-time"]);
    assert!(run.ok(), "{run:?}");
    assert!(run.stderr.lines().any(|l| l == "event_type: REFUND.SUCCESS"), "{run:?}");
}

// Proves an old capture fails the ±300 s window without --no-verify-time, and a body with a
// byte added fails the signature, each as one line with its hint.
#[test]
fn stale_and_tampered() {
    let vectors = json_fixture("vectors/notify_vectors.json");
    let n01 = &vectors["cases"][0];
    let dir = tempfile::tempdir().unwrap();
    let (h, b) = save(n01, dir.path(), false);
    let mut args = keys();
    args.extend(["notify", "decrypt", "--headers", &h, "--body", &b].map(String::from));
    let stale = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let error = assert_one_line_error(&stale);
    assert!(
        error.starts_with("saved callback: callback signature rejected: timestamp 1735699000 is "),
        "{error}"
    );
    assert!(stale.stderr.contains("hint: WeChat Pay allows ±300 s"), "{stale:?}");

    std::fs::write(&b, format!("{}\n", n01["body"].as_str().unwrap())).unwrap();
    args.push("--no-verify-time".into());
    let tampered = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let error = assert_one_line_error(&tampered);
    assert!(error.ends_with("signature does not verify"), "{error}");
    assert!(tampered.stderr.contains("the body file ends with a newline"), "{tampered:?}");
}
