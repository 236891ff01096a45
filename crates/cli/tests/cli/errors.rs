use crate::support::{assert_one_line_error, fixture_arg, run, run_cmd, wxpay};

// Proves a private key path that does not exist is one error line naming the path, a hint,
// and a non-zero exit status.
#[test]
fn bad_key_path() {
    let run = run(&[
        "--mchid",
        "1900000100",
        "--serial",
        "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B",
        "--private-key",
        "/nonexistent/wxpay/apiclient_key.pem",
        "sign",
        "GET",
        "/v3/certificates",
    ]);
    assert_eq!(run.code, Some(1));
    let error = assert_one_line_error(&run);
    assert!(
        error.starts_with(
            "cannot read merchant private key `/nonexistent/wxpay/apiclient_key.pem`: "
        ),
        "{error}"
    );
    assert!(run.stderr.contains("hint: check the path of the merchant private key"), "{run:?}");
    assert!(run.stdout.is_empty());
}

// Proves a file that is not a private key is refused with the crypto crate's reason.
#[test]
fn certificate_given_as_private_key() {
    let cert = fixture_arg("vectors/keys/apiclient_cert.pem");
    let run =
        run(&["--mchid", "1", "--serial", "A", "--private-key", &cert, "sign", "GET", "/v3/x"]);
    let error = assert_one_line_error(&run);
    assert!(error.starts_with("invalid merchant private key `"), "{error}");
    assert!(error.contains("unexpected PEM label `CERTIFICATE`"), "{error}");
}

// Proves a missing setting names the flag, the variable and the profile key, and that the
// variable is read.
#[test]
fn missing_settings_and_environment() {
    let key = fixture_arg("vectors/keys/apiclient_key.pem");
    let missing = run(&["--serial", "A", "--private-key", &key, "sign", "GET", "/v3/x"]);
    let error = assert_one_line_error(&missing);
    assert_eq!(error, "no merchant id: pass --mchid, set WXPAY_MCHID, or add `mchid` to a profile");
    let from_env = run_cmd(
        wxpay()
            .env("WXPAY_MCHID", "1900000100")
            .env("WXPAY_SERIAL", "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B")
            .env("WXPAY_PRIVATE_KEY", &key)
            .args(["sign", "GET", "/v3/x", "--timestamp", "1", "--nonce", "n"]),
    );
    assert!(from_env.ok(), "{from_env:?}");
    assert!(from_env.line("Authorization: ").unwrap().contains("mchid=\"1900000100\""));
}

// Proves a profile file supplies the identity (paths relative to the file), a flag overrides
// it, and an unknown profile is one line listing the known ones.
#[test]
fn profiles() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    std::fs::copy(
        crate::support::fixture("vectors/keys/apiclient_key.pem"),
        keys.join("apiclient_key.pem"),
    )
    .unwrap();
    let file = dir.path().join("profiles.toml");
    std::fs::write(
        &file,
        "[shop]\nmchid = \"1900000100\"\nserial = \"3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B\"\nprivate_key = \"keys/apiclient_key.pem\"\n",
    )
    .unwrap();
    let config = file.to_str().unwrap();
    let s01 = &crate::support::json_fixture("vectors/signature_vectors.json")["cases"][0];
    let signed = run(&[
        "--config",
        config,
        "--profile",
        "shop",
        "sign",
        "GET",
        "/v3/certificates",
        "--timestamp",
        s01["timestamp"].as_str().unwrap(),
        "--nonce",
        s01["nonce"].as_str().unwrap(),
    ]);
    assert_eq!(signed.line("Authorization: "), s01["authorization"].as_str(), "{signed:?}");
    let overridden = run(&[
        "--config",
        config,
        "--profile",
        "shop",
        "--mchid",
        "1900000999",
        "sign",
        "GET",
        "/v3/x",
    ]);
    assert!(overridden.line("Authorization: ").unwrap().contains("mchid=\"1900000999\""));
    let unknown = run(&["--config", config, "--profile", "prod", "sign", "GET", "/v3/x"]);
    let error = assert_one_line_error(&unknown);
    assert!(error.ends_with("has no profile `prod` (it has: shop)"), "{error}");
    // The default profile location is XDG_CONFIG_HOME/wxpay/profiles.toml.
    std::fs::create_dir(dir.path().join("wxpay")).unwrap();
    std::fs::copy(&file, dir.path().join("wxpay/profiles.toml")).unwrap();
    std::fs::copy(crate::support::fixture("vectors/keys/apiclient_key.pem"), {
        std::fs::create_dir(dir.path().join("wxpay/keys")).unwrap();
        dir.path().join("wxpay/keys/apiclient_key.pem")
    })
    .unwrap();
    let by_name = run_cmd(
        wxpay()
            .env("XDG_CONFIG_HOME", dir.path())
            .env("WXPAY_PROFILE", "shop")
            .args(["sign", "GET", "/v3/x"]),
    );
    assert!(by_name.ok(), "{by_name:?}");
}

// Proves nothing listening at the base URL is one line with a hint to start a mock.
#[test]
fn nothing_listening() {
    // Port 9 (discard) on loopback: nothing listens there in a test environment.
    let run = run(&[
        "--mock",
        "--base-url",
        "http://127.0.0.1:9",
        "--timeout",
        "5",
        "request",
        "GET",
        "/v3/certificates",
    ]);
    let error = assert_one_line_error(&run);
    assert!(error.contains("could not connect"), "{error}");
    assert!(run.stderr.contains("hint: nothing answered at http://127.0.0.1:9"), "{run:?}");
}
