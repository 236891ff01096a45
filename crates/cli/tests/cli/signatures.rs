use crate::support::{assert_one_line_error, escaped, fixture_arg, json_fixture, run};

// Proves `wxpay sign` reproduces every request-signature vector (S01–S24) byte for byte:
// the canonical message (escaped) and the Authorization header, from flags for the identity.
#[test]
fn sign_matches_every_vector() {
    let vectors = json_fixture("vectors/signature_vectors.json");
    let key = fixture_arg(&format!("vectors/{}", vectors["private_key"].as_str().unwrap()));
    let dir = tempfile::tempdir().unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 24);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let body = dir.path().join(format!("{id}.body"));
        std::fs::write(&body, case["body"].as_str().unwrap()).unwrap();
        let body_arg = format!("@{}", body.display());
        let run = run(&[
            "--mchid",
            vectors["mchid"].as_str().unwrap(),
            "--serial",
            vectors["serial_no"].as_str().unwrap(),
            "--private-key",
            &key,
            "sign",
            case["method"].as_str().unwrap(),
            case["url"].as_str().unwrap(),
            "--body",
            &body_arg,
            "--timestamp",
            case["timestamp"].as_str().unwrap(),
            "--nonce",
            case["nonce"].as_str().unwrap(),
        ]);
        assert!(run.ok(), "{id}: {run:?}");
        assert_eq!(
            run.line("message: "),
            Some(escaped(case["message"].as_str().unwrap()).as_str()),
            "{id}"
        );
        assert_eq!(run.line("signature: "), case["signature"].as_str(), "{id}");
        assert_eq!(run.line("Authorization: "), case["authorization"].as_str(), "{id}");
    }
}

// Proves S01 with --mock (the mock's identity is the vectors' identity) and that without
// --timestamp / --nonce a fresh pair is used, so the header differs.
#[test]
fn sign_with_mock_identity_and_fresh_nonce() {
    let vectors = json_fixture("vectors/signature_vectors.json");
    let s01 = &vectors["cases"][0];
    let pinned = run(&[
        "--mock",
        "sign",
        "GET",
        "/v3/certificates",
        "--timestamp",
        s01["timestamp"].as_str().unwrap(),
        "--nonce",
        s01["nonce"].as_str().unwrap(),
    ]);
    assert_eq!(pinned.line("Authorization: "), s01["authorization"].as_str(), "{pinned:?}");
    let fresh = run(&["--mock", "sign", "GET", "/v3/certificates"]);
    assert!(fresh.ok(), "{fresh:?}");
    let header = fresh.line("Authorization: ").unwrap();
    assert!(
        header.starts_with("WECHATPAY2-SHA256-RSA2048 mchid=\"1900000100\",nonce_str=\""),
        "{header}"
    );
    assert_ne!(Some(header), s01["authorization"].as_str());
}

// Proves `wxpay verify` gives every response-verification vector (R01–R13) its expected
// verdict, prints the signed message byte for byte, and names the reason on failure.
#[test]
fn verify_matches_every_vector() {
    let vectors = json_fixture("vectors/response_verification_vectors.json");
    let dir = tempfile::tempdir().unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 13);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let body = dir.path().join(format!("{id}.body"));
        std::fs::write(&body, case["body"].as_str().unwrap()).unwrap();
        let mut args: Vec<String> = Vec::new();
        for (serial, file) in case["trusted_keys"].as_object().unwrap() {
            let path = fixture_arg(&format!("vectors/{}", file.as_str().unwrap()));
            if serial.starts_with("PUB_KEY_ID_") {
                args.extend([
                    "--public-key".into(),
                    path,
                    "--public-key-id".into(),
                    serial.clone(),
                ]);
            } else {
                args.extend(["--platform-cert".into(), path]);
            }
        }
        args.push("verify".into());
        for (flag, member) in [
            ("--timestamp", "timestamp"),
            ("--nonce", "nonce"),
            ("--serial", "serial"),
            ("--signature", "signature"),
            ("--signature-type", "signature_type"),
            ("--now", "verify_at"),
        ] {
            args.extend([flag.to_owned(), case[member].as_str().unwrap().to_owned()]);
        }
        args.extend(["--body".into(), format!("@{}", body.display())]);
        let run = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        // The message over the bytes given: for the valid cases exactly the vector's
        // signed_message; for tampered bodies (R06, R07) the message that fails to verify.
        let message = format!(
            "{}\n{}\n{}\n",
            case["timestamp"].as_str().unwrap(),
            case["nonce"].as_str().unwrap(),
            case["body"].as_str().unwrap()
        );
        if case["expected"] == "valid" {
            assert_eq!(message, case["signed_message"].as_str().unwrap(), "{id}");
        }
        assert_eq!(run.line("message: "), Some(escaped(&message).as_str()), "{id}: {run:?}");
        match case["expected"].as_str().unwrap() {
            "valid" => {
                assert!(run.ok(), "{id}: {run:?}");
                assert_eq!(run.stdout.lines().last(), Some("OK"), "{id}");
            }
            expected => {
                let error = assert_one_line_error(&run);
                let reason = match expected {
                    "invalid_signature" => "signature does not verify",
                    "unknown_serial" => "no trusted platform certificate or public key with serial",
                    "timestamp_expired" => "timestamp ",
                    other => panic!("{id}: unknown verdict {other}"),
                };
                assert!(error.starts_with("Wechatpay-Signature rejected: "), "{id}: {error}");
                assert!(error.contains(reason), "{id}: {error}");
                assert!(!run.stdout.contains("OK"), "{id}");
            }
        }
    }
}

// Proves verify takes the Wechatpay-* values from a saved headers file.
#[test]
fn verify_from_headers_file() {
    let vectors = json_fixture("vectors/response_verification_vectors.json");
    let r01 = &vectors["cases"][0];
    let dir = tempfile::tempdir().unwrap();
    let headers = dir.path().join("headers.txt");
    std::fs::write(
        &headers,
        format!(
            "HTTP/1.1 200 OK\nwechatpay-timestamp: {}\nWechatpay-Nonce: {}\nWechatpay-Serial: {}\nWechatpay-Signature: {}\n",
            r01["timestamp"].as_str().unwrap(),
            r01["nonce"].as_str().unwrap(),
            r01["serial"].as_str().unwrap(),
            r01["signature"].as_str().unwrap()
        ),
    )
    .unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, r01["body"].as_str().unwrap()).unwrap();
    let run = run(&[
        "--platform-cert",
        &fixture_arg("vectors/keys/wechatpay_platform_cert.pem"),
        "verify",
        "--headers",
        headers.to_str().unwrap(),
        "--body",
        &format!("@{}", body.display()),
        "--now",
        r01["verify_at"].as_str().unwrap(),
    ]);
    assert!(run.ok(), "{run:?}");
    assert_eq!(run.stdout.lines().last(), Some("OK"));
}
