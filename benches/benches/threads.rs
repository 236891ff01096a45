//! Authorization headers per second with two threads against one, per backend: does signing
//! scale across cores, or does something shared (a lock, an allocator, the RNG) serialise it?
//!
//! - `threads/1`, `threads/2`: the threads build headers with one shared `MerchantSigner`
//!   (clones share one key), as a client shared by an async runtime's workers would.
//! - `threads_own_key/2`: each thread has a signer over its own, separately loaded copy of
//!   the key. If this scales better than `threads/2`, something inside the shared key
//!   contends; if not, the limit is the machine (compare `openssl speed -multi 2`).
//! - `threads_work_sharing/2`: the two threads draw from one pool of headers to build, like
//!   workers serving a queue, instead of building a fixed number each. A batch of fixed shares
//!   lasts as long as its slowest thread, so a thread that gets less CPU for a while (another
//!   process, a hypervisor taking the vCPU) costs the whole batch; with a shared pool the other
//!   thread takes up the slack. `openssl speed -multi 2` counts the same way (each process
//!   counts what it did in a fixed time), so this is the figure to hold against it.
//!
//! Each sample times the whole batch from outside. Throughput is set to the number of threads,
//! so criterion's `elem/s` is headers per second over all threads, and the 2-thread/1-thread
//! ratio of those figures is the scaling factor. The clock starts once every thread is spawned
//! and waiting at a barrier, so thread start-up is not counted.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use wechatpay_benches::{Fixtures, BACKENDS, REQUEST_BODY, REQUEST_METHOD, REQUEST_URL};
use wechatpay_crypto::{Backend, MerchantSigner};

/// One `Authorization` header value, as a client builds it per request.
fn build_header(signer: &MerchantSigner) {
    let auth = signer.authorize(REQUEST_METHOD, REQUEST_URL, black_box(REQUEST_BODY.as_bytes()));
    black_box(auth.map(|a| a.to_header_value()).is_ok());
}

/// How a batch of headers is divided between the threads.
#[derive(Debug, Clone, Copy)]
enum Split {
    /// Every thread builds `iters` headers.
    EachThread,
    /// The threads draw `iters` × threads headers from one counter.
    Pool,
}

/// Builds `iters` headers per thread on `signers.len()` threads at once, one signer per
/// thread, split as `split` says; returns the wall time from the moment all threads are ready
/// to the moment the last one finishes.
fn build_headers(signers: &[MerchantSigner], split: Split, iters: u64) -> Duration {
    let ready = Barrier::new(signers.len() + 1);
    let total = iters.saturating_mul(signers.len() as u64);
    let claimed = AtomicU64::new(0);
    thread::scope(|scope| {
        let workers: Vec<_> = signers
            .iter()
            .map(|signer| {
                let (ready, claimed) = (&ready, &claimed);
                scope.spawn(move || {
                    // One untimed header first: a fresh thread sets up per-thread state on
                    // first use (aws-lc creates thread-local random generators, seeded through
                    // a process-wide one that draws on CPU jitter entropy). A real client's
                    // worker threads live long, so only the steady state is timed.
                    build_header(signer);
                    ready.wait();
                    match split {
                        Split::EachThread => (0..iters).for_each(|_| build_header(signer)),
                        // One relaxed increment per header (a millisecond of work): no
                        // measurable contention.
                        Split::Pool => {
                            while claimed.fetch_add(1, Ordering::Relaxed) < total {
                                build_header(signer);
                            }
                        }
                    }
                })
            })
            .collect();
        ready.wait();
        let start = Instant::now();
        for worker in workers {
            if worker.join().is_err() {
                panic!("a header-building thread panicked");
            }
        }
        start.elapsed()
    })
}

fn load(backend: Backend) -> Fixtures {
    match Fixtures::load(backend) {
        Ok(f) => f,
        Err(e) => panic!("loading fixtures for {}: {e}", backend.name),
    }
}

fn threads(c: &mut Criterion) {
    for backend in BACKENDS {
        let shared = load(backend).signer;
        // Loaded separately: a second, independent key object inside the backend.
        let own_keys = [shared.clone(), load(backend).signer];
        let runs: [(&str, Split, Vec<MerchantSigner>); 4] = [
            ("threads", Split::EachThread, vec![shared.clone()]),
            ("threads", Split::EachThread, vec![shared.clone(), shared.clone()]),
            ("threads_own_key", Split::EachThread, own_keys.to_vec()),
            ("threads_work_sharing", Split::Pool, vec![shared.clone(), shared]),
        ];
        let mut group = c.benchmark_group(format!("{}/authorization_header", backend.name));
        for (name, split, signers) in &runs {
            group.throughput(Throughput::Elements(signers.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(*name, signers.len()),
                signers,
                |b, signers| b.iter_custom(|iters| build_headers(signers, *split, iters)),
            );
        }
        group.finish();
    }
}

fn main() {
    // RSA private-key operations take about a millisecond; 30 samples keep a full run short
    // while leaving criterion enough points for its regression. Command-line flags
    // (`--warm-up-time`, `--measurement-time`, a filter, …) override these defaults.
    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .configure_from_args();
    threads(&mut criterion);
    criterion.final_summary();
}
