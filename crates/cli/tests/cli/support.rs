//! Running the `wxpay` binary from the tests, isolated from the developer's own settings.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Every variable the binary reads; removed so a developer's shell cannot change a test.
const VARIABLES: &[&str] = &[
    "WXPAY_MCHID",
    "WXPAY_SERIAL",
    "WXPAY_PRIVATE_KEY",
    "WXPAY_APIV3_KEY",
    "WXPAY_BASE_URL",
    "WXPAY_PUBLIC_KEY",
    "WXPAY_PUBLIC_KEY_ID",
    "WXPAY_PLATFORM_CERT",
    "WXPAY_KEY_MODE",
    "WXPAY_PROFILE",
    "WXPAY_CONFIG",
    "WXPAY_TIMEOUT",
    "WXPAY_LOG",
    "WECHATPAY_MOCK_ADDR",
    "WECHATPAY_MOCK_PORT",
    "WECHATPAY_MOCK_CONFIG",
    "WECHATPAY_MOCK_ADMIN_TOKEN",
];

/// The binary with a clean environment and no profile file.
pub(crate) fn wxpay() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wxpay"));
    for v in VARIABLES {
        cmd.env_remove(v);
    }
    // A folder that does not exist: no ~/.config/wxpay/profiles.toml is picked up.
    cmd.env("XDG_CONFIG_HOME", fixture("does-not-exist"));
    cmd
}

/// What a run printed.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn ok(&self) -> bool {
        self.code == Some(0)
    }

    /// The text after `prefix` on the stdout line that starts with it.
    pub(crate) fn line(&self, prefix: &str) -> Option<&str> {
        self.stdout.lines().find_map(|l| l.strip_prefix(prefix))
    }
}

/// Runs `wxpay args…` to completion.
pub(crate) fn run(args: &[&str]) -> Run {
    run_cmd(wxpay().args(args))
}

/// Runs a prepared command to completion.
pub(crate) fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("the wxpay binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `wxpay args…` off the async runtime, so an in-process mock server keeps serving.
pub(crate) async fn run_async(args: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || run_cmd(wxpay().args(&args)))
        .await
        .expect("the runner thread does not panic")
}

/// `--mock --base-url <url>` followed by `rest`.
pub(crate) fn mock_args(base_url: &str, rest: &[&str]) -> Vec<String> {
    let mut args = vec!["--mock".to_owned(), "--base-url".to_owned(), base_url.to_owned()];
    args.extend(rest.iter().map(|s| (*s).to_owned()));
    args
}

/// A file of the repository's fixtures folder.
pub(crate) fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(rel)
}

/// A fixture file's path as an argument.
pub(crate) fn fixture_arg(rel: &str) -> String {
    fixture(rel).display().to_string()
}

/// A JSON fixture.
pub(crate) fn json_fixture(rel: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixture(rel)).expect("fixture exists");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// How `wxpay` shows a message: backslash, newline, CR and tab escaped.
pub(crate) fn escaped(message: &str) -> String {
    message.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t")
}

/// Asserts a failed run: non-zero exit, stdout without the error, and stderr of exactly one
/// `error:` line, optionally followed by one `hint:` line.
pub(crate) fn assert_one_line_error(run: &Run) -> &str {
    assert!(!run.ok(), "expected a failure: {run:?}");
    assert_ne!(run.code, Some(2), "a usage error from clap, not a run-time error: {run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(matches!(lines.len(), 1 | 2), "{run:?}");
    let error = lines[0].strip_prefix("error: ").unwrap_or_else(|| panic!("{run:?}"));
    if let Some(hint) = lines.get(1) {
        assert!(hint.starts_with("hint: "), "{run:?}");
    }
    error
}
