//! The mock's business state, per tenant and per API area, behind one std `Mutex`.
//!
//! Each API area keeps its state in its own type (any `Clone + Default + Send + Debug` type
//! is an [`Area`]); the store holds one value of each area per tenant, created on first use.
//! Handlers change state only inside [`Store::transact`]: the closure works on copies of
//! the areas it touches, and the copies replace the originals only when it returns `Ok`.
//! So a rejected request changes nothing, whatever it had modified before failing.
//!
//! **The rule for areas: area state lives in `imbl` collections** (`imbl::OrdMap`,
//! `imbl::HashMap`, `imbl::Vector`, `imbl::OrdSet`), never in std maps or `Vec`s that grow
//! with traffic. `imbl` collections are persistent: a clone shares the whole tree and costs
//! O(1), and a write copies only the O(log n) path it touches. The copy a transaction takes
//! is therefore O(number of fields) however many orders an area holds, and the commit moves
//! it in; with std collections every request would copy every order (100k orders, 100k
//! clones per request). Small, bounded fields (a counter, a `Pending`, an enum) stay plain.
//! Because a write clones the keys and values of each node on its path (up to 64 per node),
//! string keys are `Arc<str>` and values bigger than a few words sit behind an `Arc`.
//!
//! Nothing awaits while the lock is held (the closures are synchronous), so a std `Mutex`
//! is right here: it is cheaper than an async one and cannot be held across an `.await`.
//! Work that must await, such as POSTing callbacks, happens after the lock is released:
//! a transaction that enqueued a callback wakes the dispatcher once it has committed
//! ([`Store::outbox`]), so a rolled-back request never sends anything.

use std::any::{Any, TypeId};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;

use crate::tenant::Tenant;

/// The state of one API area for one tenant.
pub trait Area: Any + Clone + Default + Send + fmt::Debug {}

impl<T: Any + Clone + Default + Send + fmt::Debug> Area for T {}

/// The sub-merchants (二级商户) onboarded under a tenant: seeded from the configuration,
/// extended by the applyment area.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubMerchants(pub BTreeSet<String>);

impl SubMerchants {
    /// Whether `sub_mchid` is onboarded under this tenant.
    pub fn contains(&self, sub_mchid: &str) -> bool {
        self.0.contains(sub_mchid)
    }
}

trait ErasedArea: Send + fmt::Debug {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<A: Area> ErasedArea for A {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

type Areas = HashMap<TypeId, Box<dyn ErasedArea>>;

#[derive(Debug, Default)]
struct State {
    tenants: HashMap<String, Areas>,
}

fn seeded(tenant: &Tenant) -> Areas {
    let mut areas: Areas = HashMap::new();
    let subs = SubMerchants(tenant.initial_sub_mchids().iter().cloned().collect());
    areas.insert(TypeId::of::<SubMerchants>(), Box::new(subs));
    areas
}

/// The business state of every tenant. Cheap to clone (an `Arc`).
#[derive(Clone, Debug, Default)]
pub struct Store {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    /// Woken after a transaction that enqueued a callback committed.
    outbox: Notify,
    /// Bumped by every commit that changed something and by every reset (see
    /// [`Store::generation`]).
    generation: AtomicU64,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Transactions commit by moving finished copies in, after the closure returned: a
        // panic inside a closure leaves the committed state untouched, so a poisoned lock
        // still guards consistent data.
        self.shared.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Notified (`notify_one`, so a wake-up is never lost) after every committed transaction
    /// that enqueued a callback; the callback dispatcher waits on it.
    pub fn outbox(&self) -> &Notify {
        &self.shared.outbox
    }

    /// A number that changes whenever the state may have changed: every commit of a
    /// transaction that staged an area, and every reset. Durable mode (`crate::persist`)
    /// compares it before and after a command to know whether to journal the command.
    pub fn generation(&self) -> u64 {
        self.shared.generation.load(Ordering::SeqCst)
    }

    fn bump(&self) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Reads one area of `tenant`.
    pub fn read<A: Area, R>(&self, tenant: &Tenant, f: impl FnOnce(&A) -> R) -> R {
        let mut state = self.lock();
        let areas =
            state.tenants.entry(tenant.mchid().to_owned()).or_insert_with(|| seeded(tenant));
        let area = areas.entry(TypeId::of::<A>()).or_insert_with(|| Box::new(A::default()));
        match area.as_any().downcast_ref::<A>() {
            Some(a) => f(a),
            // The map is keyed by the type id of its value, so the downcast cannot fail.
            None => f(&A::default()),
        }
    }

    /// Runs `f` on `tenant`'s state and keeps its changes only if it returns `Ok`.
    ///
    /// # Errors
    /// Whatever `f` returns; the state is then exactly as before the call.
    pub fn transact<T, E>(
        &self,
        tenant: &Tenant,
        f: impl FnOnce(&mut Txn<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let now_unix = tenant.now_unix();
        let mut state = self.lock();
        let committed =
            state.tenants.entry(tenant.mchid().to_owned()).or_insert_with(|| seeded(tenant));
        let mut txn =
            Txn { tenant, now_unix, committed: &*committed, staged: HashMap::new(), wake: false };
        let out = f(&mut txn)?;
        let Txn { staged, wake, .. } = txn;
        if !staged.is_empty() {
            // Durable mode's hook: see `Store::generation`.
            self.bump();
        }
        committed.extend(staged);
        drop(state);
        if wake {
            self.shared.outbox.notify_one();
        }
        Ok(out)
    }

    /// Forgets `mchid`'s state (it is seeded again from the configuration on next use).
    pub fn reset_tenant(&self, mchid: &str) {
        self.lock().tenants.remove(mchid);
        self.bump();
    }

    /// Forgets every tenant's state.
    pub fn reset_all(&self) {
        self.lock().tenants.clear();
        self.bump();
    }
}

/// A transaction on one tenant's state: reads see earlier writes of the same transaction;
/// writes go to copies that [`Store::transact`] commits on `Ok`.
pub struct Txn<'a> {
    tenant: &'a Tenant,
    now_unix: i64,
    committed: &'a Areas,
    staged: Areas,
    wake: bool,
}

impl fmt::Debug for Txn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Txn")
            .field("tenant", &self.tenant.mchid())
            .field("now_unix", &self.now_unix)
            .field("staged", &self.staged.len())
            .finish()
    }
}

impl Txn<'_> {
    /// The tenant this transaction works on.
    pub fn tenant(&self) -> &Tenant {
        self.tenant
    }

    /// The tenant's virtual now, unix seconds, read once when the transaction started: every
    /// timestamp one request writes (order, ledger entry, callback) is the same instant, even
    /// if the admin API moves the clock meanwhile.
    pub fn now_unix(&self) -> i64 {
        self.now_unix
    }

    /// Asks [`Store::transact`] to wake the callback dispatcher after committing.
    pub(crate) fn wake_outbox_on_commit(&mut self) {
        self.wake = true;
    }

    /// Reads an area: its staged copy if this transaction changed it, else the committed
    /// value (no copy). An area never used before reads as its `Default`, which is then
    /// staged (committing an empty area changes nothing observable).
    pub fn area<A: Area>(&mut self) -> &A {
        let id = TypeId::of::<A>();
        let committed = self.committed;
        if !self.staged.contains_key(&id) {
            if let Some(a) = committed.get(&id).and_then(|a| a.as_any().downcast_ref::<A>()) {
                return a;
            }
        }
        self.area_mut::<A>()
    }

    /// A mutable copy of an area, made on first access and committed on `Ok`.
    pub fn area_mut<A: Area>(&mut self) -> &mut A {
        let id = TypeId::of::<A>();
        if self.staged.get(&id).is_none_or(|a| !a.as_any().is::<A>()) {
            let copy = self
                .committed
                .get(&id)
                .and_then(|a| a.as_any().downcast_ref::<A>())
                .cloned()
                .unwrap_or_default();
            self.staged.insert(id, Box::new(copy));
        }
        match self.staged.get_mut(&id).and_then(|a| a.as_any_mut().downcast_mut::<A>()) {
            Some(a) => a,
            None => unreachable!("an A was staged under its own type id just above"),
        }
    }

    /// Two different areas at once, both mutable (e.g. refunds and the ledger).
    ///
    /// # Panics
    /// If `A` and `B` are the same type: that is a bug in the calling area, not input.
    pub fn areas_mut<A: Area, B: Area>(&mut self) -> (&mut A, &mut B) {
        assert_ne!(
            TypeId::of::<A>(),
            TypeId::of::<B>(),
            "areas_mut needs two different area types"
        );
        self.area_mut::<A>();
        self.area_mut::<B>();
        let [a, b] = self.staged.get_disjoint_mut([&TypeId::of::<A>(), &TypeId::of::<B>()]);
        match (
            a.and_then(|a| a.as_any_mut().downcast_mut::<A>()),
            b.and_then(|b| b.as_any_mut().downcast_mut::<B>()),
        ) {
            (Some(a), Some(b)) => (a, b),
            _ => unreachable!("both areas were staged just above"),
        }
    }

    /// Whether `sub_mchid` is onboarded under this tenant.
    pub fn is_sub_merchant(&mut self, sub_mchid: &str) -> bool {
        self.area::<SubMerchants>().contains(sub_mchid)
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::SystemClock;

    use super::*;
    use crate::config::TenantConfig;

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Counter(u32);

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Log(Vec<&'static str>);

    fn tenant() -> Tenant {
        Tenant::from_config(&TenantConfig::builtin(), Arc::new(SystemClock)).unwrap()
    }

    // Proves a transaction that fails after writing leaves every area exactly as before.
    #[test]
    fn rejected_transaction_changes_nothing() {
        let store = Store::new();
        let t = tenant();
        store
            .transact(&t, |tx| {
                tx.area_mut::<Counter>().0 = 1;
                Ok::<_, ()>(())
            })
            .unwrap();
        let r: Result<(), &str> = store.transact(&t, |tx| {
            tx.area_mut::<Counter>().0 = 99;
            tx.area_mut::<Log>().0.push("half-done");
            tx.area_mut::<SubMerchants>().0.clear();
            Err("business rule")
        });
        assert_eq!(r, Err("business rule"));
        assert_eq!(store.read(&t, |c: &Counter| c.0), 1);
        assert_eq!(store.read(&t, |l: &Log| l.0.len()), 0);
        assert!(store.read(&t, |s: &SubMerchants| s.contains("1900000109")));
    }

    // Proves reads inside a transaction see its own writes, and two areas can change together.
    #[test]
    fn transaction_sees_own_writes() {
        let store = Store::new();
        let t = tenant();
        let seen = store
            .transact(&t, |tx| {
                tx.area_mut::<Counter>().0 += 5;
                let (c, l) = tx.areas_mut::<Counter, Log>();
                c.0 += 1;
                l.0.push("moved");
                Ok::<_, ()>(tx.area::<Counter>().0)
            })
            .unwrap();
        assert_eq!(seen, 6);
        assert_eq!(store.read(&t, |l: &Log| l.0.clone()), vec!["moved"]);
    }

    #[derive(Clone, Debug, Default)]
    struct Orders(imbl::OrdMap<u32, String>);

    // Proves the copy a transaction takes of an imbl-backed area shares the committed tree
    // (an O(1) clone, not a copy of 100k orders), that a write copies only its path, and that
    // a failed transaction leaves the committed map untouched.
    #[test]
    fn transaction_copy_of_imbl_area_shares_structure() {
        let store = Store::new();
        let t = tenant();
        store
            .transact(&t, |tx| {
                tx.area_mut::<Orders>().0 = (0..100_000u32).map(|i| (i, format!("O{i}"))).collect();
                Ok::<_, ()>(())
            })
            .unwrap();
        let before = store.read(&t, |o: &Orders| o.0.clone());
        let r: Result<(), ()> = store.transact(&t, |tx| {
            let staged = tx.area_mut::<Orders>();
            assert!(staged.0.ptr_eq(&before), "taking the copy must not copy the tree");
            staged.0.insert(7, "changed".into());
            staged.0.remove(&8);
            assert!(!staged.0.ptr_eq(&before));
            Err(())
        });
        assert_eq!(r, Err(()));
        assert!(store.read(&t, |o: &Orders| o.0.ptr_eq(&before)), "rollback keeps the old tree");
        assert_eq!(store.read(&t, |o: &Orders| o.0.get(&7).cloned()), Some("O7".to_owned()));
        assert_eq!(store.read(&t, |o: &Orders| o.0.len()), 100_000);
    }

    // Proves the outbox is notified only after a transaction that asked for it committed,
    // never after one that failed, and that the wake-up is kept until someone waits.
    #[test]
    fn outbox_wakes_only_on_commit() {
        use futures_util::FutureExt;
        let store = Store::new();
        let t = tenant();
        let r: Result<(), ()> = store.transact(&t, |tx| {
            tx.wake_outbox_on_commit();
            Err(())
        });
        assert_eq!(r, Err(()));
        assert!(store.outbox().notified().now_or_never().is_none(), "rolled back: no wake-up");
        store
            .transact(&t, |tx| {
                tx.wake_outbox_on_commit();
                Ok::<_, ()>(())
            })
            .unwrap();
        assert!(store.outbox().notified().now_or_never().is_some(), "committed: woken");
    }

    // Proves reset re-seeds sub-merchants from the configuration and drops area state.
    #[test]
    fn reset_reseeds() {
        let store = Store::new();
        let t = tenant();
        store
            .transact(&t, |tx| {
                tx.area_mut::<SubMerchants>().0.insert("1900000999".into());
                tx.area_mut::<Counter>().0 = 3;
                Ok::<_, ()>(())
            })
            .unwrap();
        assert!(store.read(&t, |s: &SubMerchants| s.contains("1900000999")));
        store.reset_tenant(t.mchid());
        assert!(!store.read(&t, |s: &SubMerchants| s.contains("1900000999")));
        assert!(store.read(&t, |s: &SubMerchants| s.contains("1900000110")));
        assert_eq!(store.read(&t, |c: &Counter| c.0), 0);
    }
}
