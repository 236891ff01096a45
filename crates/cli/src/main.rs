//! # wxpay
//!
//! The WeChat Pay APIv3 command line, for the jobs people otherwise write throwaway scripts
//! or download a jar for:
//!
//! - `wxpay certificates`: download, verify, decrypt and save the platform certificates;
//! - `wxpay sign` / `wxpay verify`: a request signature or a response / callback signature
//!   from its parts, showing the exact message, to debug `SIGN_ERROR`;
//! - `wxpay notify decrypt`: verify and decrypt a saved callback;
//! - `wxpay request`: any signed APIv3 call, response verified, JSON out;
//! - `wxpay bill download`: apply for a bill, download it, check its SHA-1, gunzip and
//!   decrypt it;
//! - `wxpay mock`: the mock server.
//!
//! Configuration comes from flags, `WXPAY_*` environment variables or a TOML profile; see
//! docs/cli.md. Every failure is one `error:` line, usually followed by one `hint:` line, and
//! a non-zero exit status.
#![forbid(unsafe_code)]

mod bill;
mod body;
mod cli;
mod commands;
mod config;
mod error;
mod escape;
mod headers_file;
mod pretty;
mod secret;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::config::Settings;
use crate::error::CliError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (result, settings) = match Settings::resolve(&cli.global) {
        Ok(settings) => (runtime.block_on(commands::run(&cli.command, &settings)), Some(settings)),
        Err(e) => (Err(e), None),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error, settings.as_ref());
            ExitCode::FAILURE
        }
    }
}

/// The SDK logs through `tracing`; nothing is printed unless `--log` (or `WXPAY_LOG`) asks,
/// except for `wxpay mock`, whose request log is the point of running it.
fn init_logging(cli: &Cli) {
    let filter = match (&cli.global.log, &cli.command) {
        (Some(filter), _) => filter.clone(),
        (None, Command::Mock(_)) => "info".to_owned(),
        (None, _) => return,
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
}

/// One `error:` line (the error and its sources), then at most one `hint:` line.
fn report(error: &CliError, settings: Option<&Settings>) {
    eprintln!("error: {}", escape::one_line(&error::chain(error)));
    if let Some(hint) = error.hint(settings) {
        eprintln!("hint: {}", escape::one_line(&hint));
    }
}
