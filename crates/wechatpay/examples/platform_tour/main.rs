//! The 平台收付通 journey, end to end, against the mock server started in-process:
//! onboarding a seller, a combined payment, its callback, profit sharing, a refund,
//! balances, a withdrawal and the next day's bill.
//!
//! ```sh
//! cargo run --example platform_tour
//! ```
//!
//! It exits non-zero at the first step that fails. `tests/tour.rs` runs the same steps.

#[path = "../support/admin.rs"]
mod admin;
mod tour;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut out = std::io::stdout();
    match tour::run(&mut out).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tour failed: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}
