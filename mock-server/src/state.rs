//! [`MockState`]: the one value every handler receives, holding the tenants, the business
//! store, the request journal and the settings. Areas take the slice they need with
//! axum's `State<Store>` / `State<Journal>` / `State<Tenants>` (see the `FromRef` impls).

use std::sync::Arc;

use axum::extract::FromRef;
use wechatpay_crypto::{Clock, SystemClock};

use crate::config::MockConfig;
use crate::error::{ConfigError, Secret};
use crate::faults::Faults;
use crate::journal::Journal;
use crate::policy::TimingProfile;
use crate::store::Store;
use crate::tenant::{Tenant, Tenants};

/// Settings fixed at start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Delays of automatic transitions.
    pub timing: TimingProfile,
    /// Largest accepted request body, bytes.
    pub max_body_bytes: usize,
    admin_token: Option<Secret>,
}

impl Settings {
    /// The admin token, if one is required.
    pub fn admin_token(&self) -> Option<&Secret> {
        self.admin_token.as_ref()
    }
}

/// Everything the mock's handlers share. Cheap to clone.
#[derive(Clone, Debug)]
pub struct MockState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    tenants: Tenants,
    store: Store,
    journal: Journal,
    faults: Faults,
    settings: Settings,
    /// Durable mode (`--data-dir`): the journal every state change goes through.
    persist: Option<Arc<crate::persist::Persist>>,
}

/// A merchant id the mock does not serve.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no tenant with mchid {0}")]
pub struct UnknownTenant(pub String);

impl MockState {
    /// State for `config`, with tenant clocks on the system clock.
    ///
    /// # Errors
    /// [`ConfigError`] when a tenant cannot be built.
    pub fn new(config: &MockConfig) -> Result<Self, ConfigError> {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// State for `config`, with tenant clocks on `base` (tests pin it with a `FixedClock`).
    ///
    /// # Errors
    /// [`ConfigError`] when a tenant cannot be built or a limit is zero.
    pub fn with_clock(config: &MockConfig, base: Arc<dyn Clock>) -> Result<Self, ConfigError> {
        Self::build(config, base, None)
    }

    /// Durable state: built by [`crate::persist::open`], which replays the journal into it.
    pub(crate) fn with_persist(
        config: &MockConfig,
        base: Arc<dyn Clock>,
        persist: Arc<crate::persist::Persist>,
    ) -> Result<Self, ConfigError> {
        Self::build(config, base, Some(persist))
    }

    fn build(
        config: &MockConfig,
        base: Arc<dyn Clock>,
        persist: Option<Arc<crate::persist::Persist>>,
    ) -> Result<Self, ConfigError> {
        if config.max_body_bytes == 0 {
            return Err(ConfigError::Invalid("max_body_bytes must be above 0".into()));
        }
        let tenants = Tenants::from_configs(&config.effective_tenants()?, base)?;
        Ok(Self {
            inner: Arc::new(Inner {
                tenants,
                store: Store::new(),
                journal: Journal::new(config.journal_capacity),
                faults: Faults::default(),
                settings: Settings {
                    timing: config.timing,
                    max_body_bytes: config.max_body_bytes,
                    admin_token: config.admin_token.clone(),
                },
                persist,
            }),
        })
    }

    /// The tenants.
    pub fn tenants(&self) -> &Tenants {
        &self.inner.tenants
    }

    /// The tenant with `mchid`.
    pub fn tenant(&self, mchid: &str) -> Option<&Arc<Tenant>> {
        self.inner.tenants.get(mchid)
    }

    /// The business state.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The request journal.
    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// The fault rules.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The durable-state journal, when started with a data directory.
    pub fn persist(&self) -> Option<&Arc<crate::persist::Persist>> {
        self.inner.persist.as_ref()
    }

    /// Settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The timing profile of automatic transitions.
    pub fn timing(&self) -> TimingProfile {
        self.inner.settings.timing
    }

    /// Resets one tenant: its business state (ledger and callback deliveries included), its
    /// clock, its journal entries and the fault rules scoped to it (rules for every tenant stay).
    ///
    /// # Errors
    /// [`UnknownTenant`].
    pub fn reset_tenant(&self, mchid: &str) -> Result<(), UnknownTenant> {
        let tenant = self.tenant(mchid).ok_or_else(|| UnknownTenant(mchid.to_owned()))?;
        self.inner.store.reset_tenant(mchid);
        tenant.clock().reset();
        self.inner.journal.clear(Some(mchid));
        self.inner.faults.clear(Some(mchid));
        Ok(())
    }

    /// Resets every tenant and clears the journal and every fault rule.
    pub fn reset_all(&self) {
        self.inner.store.reset_all();
        for t in self.inner.tenants.iter() {
            t.clock().reset();
        }
        self.inner.journal.clear(None);
        self.inner.faults.clear(None);
    }
}

impl FromRef<MockState> for Store {
    fn from_ref(state: &MockState) -> Self {
        state.inner.store.clone()
    }
}

impl FromRef<MockState> for Journal {
    fn from_ref(state: &MockState) -> Self {
        state.inner.journal.clone()
    }
}

impl FromRef<MockState> for Faults {
    fn from_ref(state: &MockState) -> Self {
        state.inner.faults.clone()
    }
}

impl FromRef<MockState> for Tenants {
    fn from_ref(state: &MockState) -> Self {
        state.inner.tenants.clone()
    }
}
