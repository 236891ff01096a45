//! "Money never goes missing": the deterministic simulation of the mock's money (issue #10),
//! run across seeds, with the ledger invariants checked after every operation.
//!
//! `WECHATPAY_SIM_SEEDS` (default 4) seeds from `WECHATPAY_SIM_SEED` (default 1), each
//! `WECHATPAY_SIM_OPS` (default 250 000) operations: 1 000 000 by default, about 65 s of CPU
//! with the mock at opt-level 1 (about 190 s at the dev profile's opt-level 0). As CI runs it,
//! and longer:
//!
//! ```text
//! cargo test -p wechatpay-mock --features sim-bugs --test simulation \
//!   --config 'profile.dev.package.wechatpay-mock.opt-level=1'
//! WECHATPAY_SIM_SEEDS=64 WECHATPAY_SIM_OPS=1000000 cargo test -p wechatpay-mock \
//!   --features sim-bugs --test simulation \
//!   --config 'profile.dev.package.wechatpay-mock.opt-level=1' -- --nocapture a_million
//! ```
//!
//! With the `sim-bugs` feature, a test switches on a deliberately injected bug (profit sharing
//! skips its split cap) and proves the simulation reports it with the seed, the index of the
//! operation and a minimal reproduction.

use std::time::Instant;

use wechatpay_mock::sim::{self, SimConfig, SimReport};

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

// Proves every invariant holds after every one of at least 1 000 000 operations (by default)
// across seeds, and that the run exercised every kind of operation and every fault mode.
#[test]
fn a_million_operations_keep_every_invariant() {
    let seeds = env_u64("WECHATPAY_SIM_SEEDS", 4).max(1);
    let ops = env_u64("WECHATPAY_SIM_OPS", 250_000);
    let first = env_u64("WECHATPAY_SIM_SEED", 1);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let started = Instant::now();
    let next = std::sync::atomic::AtomicU64::new(0);
    let mut reports: Vec<(SimReport, f64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        if i >= seeds {
                            return done;
                        }
                        let t = Instant::now();
                        match sim::run(&SimConfig::new(first + i, ops)) {
                            Ok(r) => done.push((r, t.elapsed().as_secs_f64())),
                            Err(f) => panic!("{f}"),
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a simulation panicked")).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    reports.sort_by_key(|(r, _)| r.seed);
    let total: u64 = reports.iter().map(|(r, _)| r.ops).sum();
    for (r, secs) in &reports {
        println!(
            "seed {}: {} ops, {} ledger entries, {} sub-merchants, {} full checks, hash {:016x}, {:.1} s ({:.0} ops/s)",
            r.seed,
            r.ops,
            r.entries,
            r.sub_merchants,
            r.full_checks,
            r.ledger_hash,
            secs,
            r.ops as f64 / secs.max(1e-9)
        );
    }
    println!(
        "{total} ops over {seeds} seeds in {elapsed:.1} s on {workers} threads: {:.0} ops/s",
        total as f64 / elapsed.max(1e-9)
    );
    assert_eq!(total, seeds * ops);
    if ops >= 50_000 {
        // Every kind of operation succeeded somewhere, and every mode was used.
        let mut by_kind = std::collections::BTreeMap::<&str, (u64, u64)>::new();
        let mut modes = std::collections::BTreeMap::<String, u64>::new();
        for (r, _) in &reports {
            for (k, c) in &r.ops_by_kind {
                let e = by_kind.entry(k).or_default();
                e.0 += c.ok;
                e.1 += c.refused;
            }
            for (m, n) in &r.modes {
                *modes.entry(m.clone()).or_default() += n;
            }
        }
        println!("operations (ok, refused): {by_kind:?}");
        println!("modes: {modes:?}");
        for kind in [
            "applyment",
            "applyment_step",
            "prepay",
            "pay",
            "close",
            "refund",
            "refund_move",
            "return_advance",
            "split",
            "split_return",
            "finish",
            "subsidy",
            "subsidy_return",
            "deposit",
            "withdraw",
            "withdraw_move",
            "advance",
        ] {
            assert!(by_kind.get(kind).is_some_and(|c| c.0 > 0), "no successful {kind}");
        }
        for mode in ["Plain", "InjectedError", "Abort", "TimeoutRetry", "Replay", "Concurrent"] {
            assert!(modes.get(mode).is_some_and(|n| *n > 0), "mode {mode} never used");
        }
        assert!(
            reports.iter().any(|(r, _)| r.sub_merchants > 2),
            "no application finished onboarding"
        );
    }
}

// Proves the same seed gives the same final ledger (hash and every count), and another seed
// a different one.
#[test]
fn same_seed_same_ledger_hash() {
    let a = sim::run(&SimConfig::new(42, 8_000)).unwrap_or_else(|f| panic!("{f}"));
    let b = sim::run(&SimConfig::new(42, 8_000)).unwrap_or_else(|f| panic!("{f}"));
    let c = sim::run(&SimConfig::new(43, 8_000)).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(a, b);
    assert!(a.entries > 1_000, "{} entries", a.entries);
    assert_ne!(a.ledger_hash, c.ledger_hash);
    println!("seed 42: hash {:016x}; seed 43: hash {:016x}", a.ledger_hash, c.ledger_hash);
}

// Proves a deliberately injected bug (profit sharing skips its 30 % cap) is caught: the
// failure names the seed, the operation and the split-cap invariant, and comes with a
// minimal reproduction that fails again when replayed and passes without the bug.
#[cfg(feature = "sim-bugs")]
#[test]
fn injected_split_cap_bug_is_caught_with_a_minimal_reproduction() {
    let mut config = SimConfig::new(3, 100_000);
    config.bugs.skip_split_cap = true;
    let failure = sim::run(&config).expect_err("the simulation must catch the skipped cap");
    println!("{failure}");
    assert_eq!(failure.seed, 3);
    assert_eq!(failure.violation.invariant, sim::check::SPLIT_LE_CAP);
    assert!(failure.op_index < 100_000);
    assert!(matches!(failure.step.op, sim::Op::Split { .. }), "{}", failure.step);
    let repro = &failure.reproduction;
    assert!(
        (2..=4).contains(&repro.len()),
        "a prepay, a payment and the split (and at most one more step): {repro:?}"
    );
    assert!(matches!(repro.last().map(|s| &s.op), Some(sim::Op::Split { .. })));
    let again = sim::replay(&config, repro).expect_err("the reproduction fails again");
    assert_eq!(again.violation.invariant, sim::check::SPLIT_LE_CAP);
    let mut fixed = config.clone();
    fixed.bugs.skip_split_cap = false;
    sim::replay(&fixed, repro).unwrap_or_else(|f| panic!("without the bug it passes: {f}"));
}
