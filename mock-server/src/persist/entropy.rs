//! The random values that end up in state (notification ids, openids, session keys), made
//! replayable: inside a journaled command they come from a generator seeded by the command's
//! recorded seed, so replaying the command gives the same values; anywhere else (memory-only
//! mode, tests) from the thread's generator as before.

use std::cell::RefCell;
use std::future::Future;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

tokio::task_local! {
    static SEEDED: RefCell<ChaCha8Rng>;
}

/// Runs `fut` with the generator seeded by `seed` (ChaCha8: the same values for a seed on
/// every platform and version).
pub(crate) async fn scope<F: Future>(seed: u64, fut: F) -> F::Output {
    SEEDED.scope(RefCell::new(ChaCha8Rng::seed_from_u64(seed)), fut).await
}

/// Calls `f` with the current command's seeded generator, or the thread's generator outside
/// a journaled command. Use it for every random value that is stored in state.
pub fn with_rng<R>(f: impl FnOnce(&mut dyn RngCore) -> R) -> R {
    let mut f = Some(f);
    let seeded = SEEDED.try_with(|rng| {
        let mut rng = rng.borrow_mut();
        f.take().map(|f| f(&mut *rng))
    });
    match (seeded, f) {
        (Ok(Some(out)), _) => out,
        (_, Some(f)) => f(&mut rand::rng()),
        // `f` was taken only by the seeded branch, which then returned its value.
        (_, None) => unreachable!("the seeded generator ran the closure"),
    }
}

#[cfg(test)]
mod tests {
    use rand::Rng;

    use super::*;

    fn digits() -> String {
        with_rng(|r| (0..20).map(|_| char::from(b'0' + r.random_range(0..10u8))).collect())
    }

    // Proves the same seed gives the same values, across awaits, and different seeds differ.
    #[tokio::test]
    async fn seeded_values_repeat() {
        let run = |seed| {
            scope(seed, async {
                let a = digits();
                tokio::task::yield_now().await;
                (a, digits())
            })
        };
        let first = run(7).await;
        assert_eq!(first, run(7).await);
        assert_ne!(first, run(8).await);
        assert_ne!(first.0, first.1);
        assert_eq!(digits().len(), 20, "outside a scope: the thread's generator");
    }
}
