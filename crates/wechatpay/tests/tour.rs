//! Runs the platform tour (examples/platform_tour) as a test, so CI proves that the whole
//! 平台收付通 journey still works through the facade against the mock: onboarding, a
//! combined payment and its verified callback, profit sharing, a refund, balances, a
//! withdrawal and the reconciled bill.

#[path = "../examples/support/admin.rs"]
mod admin;
#[path = "../examples/platform_tour/tour.rs"]
mod tour;

// Proves every step of the tour passes, and that the tour reports reaching its end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_platform_tour_passes_every_step() {
    let mut out = Vec::new();
    let result = tour::run(&mut out).await;
    let printed = String::from_utf8_lossy(&out);
    if let Err(error) = &result {
        panic!("the tour failed: {error}\n{printed}");
    }
    assert!(printed.contains("done: every step passed"), "{printed}");
}
