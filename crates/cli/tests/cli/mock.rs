use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::support::{run, wxpay};

// Proves `wxpay mock` serves the mock on the port it prints, answers a signed call made by
// `wxpay --mock`, and stops cleanly on SIGTERM.
#[cfg(unix)]
#[test]
fn serves_until_terminated() {
    let mut child = wxpay()
        .args(["mock", "--port", "0", "--log", "warn"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The reader lives until the end: closing the pipe would break the child's next print.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base = first
        .strip_prefix("wxpay mock: listening on ")
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned);
    let answered = base
        .as_deref()
        .map(|base| run(&["--mock", "--base-url", base, "request", "GET", "/v3/certificates"]));
    // Stop the child before asserting, so a failure does not leave it running.
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = child.wait().unwrap();
    let answered = answered.unwrap_or_else(|| panic!("no base URL in {first:?}"));
    assert!(answered.ok(), "{answered:?}");
    assert!(answered.stdout.contains("\"serial_no\""), "{answered:?}");
    assert!(killed.success());
    assert!(status.success(), "{status:?}");
}

// Proves a non-loopback address without an admin token is refused before anything listens.
#[test]
fn public_address_needs_a_token() {
    let run = run(&["mock", "--addr", "0.0.0.0", "--port", "0"]);
    let error = crate::support::assert_one_line_error(&run);
    assert!(error.contains("needs --admin-token"), "{error}");
}
