//! The keys WeChat Pay's signatures are checked with: platform certificates (downloaded and
//! refreshed), the WeChat Pay public key, or both during a migration.
//!
//! Readers take an `Arc<Verifier>` snapshot and never wait for a download. Downloads are
//! single-flight: one in progress at a time, shared by every caller that needs it, and a
//! download prompted by an unknown serial happens at most once per minimum interval, so a
//! stream of forged serials cannot turn into a stream of downloads.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use wechatpay_crypto::{
    Certificate, Clock, PrivateKey, PublicKey, SerialNo, SignatureHeaders, TrustedKey, Verifier,
    VerifySignature, WechatPayPublicKey,
};

use crate::error::{ConfigError, Error, VerifyError};

/// Which keys verify WeChat Pay's signatures and encrypt sensitive fields.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub enum KeyMode {
    /// Platform certificates, downloaded from `/v3/certificates` (decrypted with the APIv3
    /// key) and refreshed periodically. Needs [`api_v3_key`](crate::TransportBuilder::api_v3_key).
    PlatformCertificates,
    /// The WeChat Pay public key (`pub_key.pem` with its `PUB_KEY_ID_…`); nothing is downloaded.
    /// Its id is sent as `Wechatpay-Serial` on every request.
    PublicKey(WechatPayPublicKey),
    /// Migration from certificates to the public key: the public key id is sent as
    /// `Wechatpay-Serial` and encrypts sensitive fields, and responses signed by either a
    /// platform certificate (downloaded when first seen) or the public key are accepted.
    /// Needs [`api_v3_key`](crate::TransportBuilder::api_v3_key).
    Mixed(WechatPayPublicKey),
}

impl KeyMode {
    fn public_key(&self) -> Option<&WechatPayPublicKey> {
        match self {
            Self::PlatformCertificates => None,
            Self::PublicKey(k) | Self::Mixed(k) => Some(k),
        }
    }

    fn downloads(&self) -> bool {
        match self {
            Self::PlatformCertificates | Self::Mixed(_) => true,
            Self::PublicKey(_) => false,
        }
    }
}

/// Why a download is being considered.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RefreshReason<'a> {
    /// Certificate mode with no certificate yet: nothing can be verified without one.
    Initial,
    /// The refresh interval has passed; best effort, never waits for another caller.
    Stale,
    /// A response named a serial that is not trusted.
    UnknownSerial(&'a str),
    /// Asked for explicitly.
    Forced,
}

/// Book-keeping of downloads, behind a std mutex that is never held across an await.
#[derive(Debug, Default)]
struct RefreshBook {
    /// Bumped when a download starts and when it ends, so a caller that waited for the
    /// single-flight lock can tell that a download happened meanwhile.
    generation: u64,
    last_attempt: Option<i64>,
    last_success: Option<i64>,
}

struct Shared {
    mode: KeyMode,
    snapshot: RwLock<Arc<Verifier>>,
    book: Mutex<RefreshBook>,
    // An async mutex: it is held across the download so that concurrent callers wait for
    // (and then reuse) the one download in flight instead of starting their own.
    refresh_lock: tokio::sync::Mutex<()>,
    clock: Arc<dyn Clock>,
    refresh_interval_secs: i64,
    min_refresh_interval_secs: i64,
    merchant_serial: SerialNo,
}

/// The trusted WeChat Pay keys of one merchant; a cheap handle shared with the
/// [`Transport`](crate::Transport) that refreshes it.
///
/// It implements [`VerifySignature`], so wechatpay-notify can verify callbacks with the
/// same keys (against the current snapshot; it never downloads by itself).
#[derive(Clone)]
pub struct KeyStore {
    shared: Arc<Shared>,
}

impl fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyStore")
            .field("mode", &self.mode_name())
            .field("serials", &self.serials())
            .field("refresh_interval_secs", &self.shared.refresh_interval_secs)
            .finish_non_exhaustive()
    }
}

/// Settings of a [`KeyStore`].
pub(crate) struct KeyStoreConfig {
    pub(crate) mode: KeyMode,
    pub(crate) certificates: Vec<Certificate>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) refresh_interval_secs: i64,
    pub(crate) min_refresh_interval_secs: i64,
    pub(crate) merchant_serial: SerialNo,
    pub(crate) merchant_key: PrivateKey,
}

impl KeyStore {
    /// Builds the store, refusing the merchant's own certificate or key as a verification key.
    pub(crate) fn new(config: KeyStoreConfig) -> Result<Self, ConfigError> {
        let mut verifier = Verifier::new();
        if let Some(pk) = config.mode.public_key() {
            if is_merchant_key(&config.merchant_key, pk.key()) {
                return Err(ConfigError::MerchantKeyAsVerificationKey {
                    serial: pk.id().to_string(),
                });
            }
            verifier.add_public_key(pk.clone());
        }
        let now = config.clock.now_unix();
        let seeded = !config.certificates.is_empty();
        for cert in config.certificates {
            if cert.serial() == &config.merchant_serial
                || is_merchant_key(&config.merchant_key, cert.public_key())
            {
                return Err(ConfigError::MerchantKeyAsVerificationKey {
                    serial: cert.serial().to_string(),
                });
            }
            verifier.add_certificate(cert);
        }
        verifier.remove_expired(now);
        let book = RefreshBook {
            // Seeded certificates count as a fresh download: the next one is due a refresh
            // interval from now.
            last_success: (seeded && config.mode.downloads()).then_some(now),
            ..RefreshBook::default()
        };
        Ok(Self {
            shared: Arc::new(Shared {
                mode: config.mode,
                snapshot: RwLock::new(Arc::new(verifier)),
                book: Mutex::new(book),
                refresh_lock: tokio::sync::Mutex::new(()),
                clock: config.clock,
                refresh_interval_secs: config.refresh_interval_secs,
                min_refresh_interval_secs: config.min_refresh_interval_secs,
                merchant_serial: config.merchant_serial,
            }),
        })
    }

    /// The keys trusted right now. The snapshot does not change; take a new one to see
    /// later downloads.
    pub fn snapshot(&self) -> Arc<Verifier> {
        self.shared.snapshot.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The serials and public key ids trusted right now.
    pub fn serials(&self) -> Vec<SerialNo> {
        self.snapshot().keys().map(|k| k.serial().clone()).collect()
    }

    /// Whether this store downloads platform certificates (certificate and mixed modes).
    pub fn downloads_certificates(&self) -> bool {
        self.shared.mode.downloads()
    }

    /// The `Wechatpay-Serial` every request carries regardless of encryption: the public
    /// key id in public-key and mixed modes.
    pub fn announced_serial(&self) -> Option<&SerialNo> {
        self.shared.mode.public_key().map(WechatPayPublicKey::id)
    }

    /// When certificates were last installed (downloaded or seeded), unix seconds.
    pub fn last_refresh_unix(&self) -> Option<i64> {
        self.book().last_success
    }

    /// Trusts one more platform certificate (e.g. loaded from disk).
    ///
    /// # Errors
    /// [`ConfigError::MerchantKeyAsVerificationKey`] if it has the merchant's own serial.
    pub fn add_certificate(&self, cert: Certificate) -> Result<(), ConfigError> {
        if cert.serial() == &self.shared.merchant_serial {
            return Err(ConfigError::MerchantKeyAsVerificationKey {
                serial: cert.serial().to_string(),
            });
        }
        self.install(vec![cert], self.shared.clock.now_unix(), false);
        Ok(())
    }

    fn mode_name(&self) -> &'static str {
        match self.shared.mode {
            KeyMode::PlatformCertificates => "platform certificates",
            KeyMode::PublicKey(_) => "public key",
            KeyMode::Mixed(_) => "mixed",
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, RefreshBook> {
        self.shared.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds certificates to a copy of the snapshot (old ones stay until they expire) and
    /// publishes it.
    pub(crate) fn install(&self, certs: Vec<Certificate>, now: i64, downloaded: bool) {
        let mut next = (*self.snapshot()).clone();
        for cert in certs {
            if cert.serial() == &self.shared.merchant_serial {
                tracing::warn!(serial = %cert.serial(), "ignoring a platform certificate with the merchant's own serial");
                continue;
            }
            next.add_certificate(cert);
        }
        next.remove_expired(now);
        *self.shared.snapshot.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
        if downloaded {
            self.book().last_success = Some(now);
        }
    }

    fn has_certificate(&self) -> bool {
        self.snapshot().keys().any(|k| matches!(k, TrustedKey::Certificate(_)))
    }

    /// Certificate mode with no certificate: calls must wait for a download.
    pub(crate) fn needs_initial_download(&self) -> bool {
        matches!(self.shared.mode, KeyMode::PlatformCertificates) && !self.has_certificate()
    }

    /// A download is due because the refresh interval has passed since the last one.
    pub(crate) fn is_stale(&self, now: i64) -> bool {
        self.downloads_certificates()
            && self
                .book()
                .last_success
                .is_some_and(|t| now.saturating_sub(t) >= self.shared.refresh_interval_secs)
    }

    fn attempt_allowed(&self, now: i64) -> bool {
        self.book()
            .last_attempt
            .is_none_or(|t| now.saturating_sub(t) >= self.shared.min_refresh_interval_secs)
    }

    fn generation(&self) -> u64 {
        self.book().generation
    }

    /// Runs `download` if `reason` still calls for it once the single-flight lock is held,
    /// then installs what it returns. Returns whether this call downloaded.
    pub(crate) async fn refresh_with<F, Fut>(
        &self,
        reason: RefreshReason<'_>,
        download: F,
    ) -> Result<bool, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<Certificate>, Error>>,
    {
        if !self.downloads_certificates() {
            return Ok(false);
        }
        let seen = self.generation();
        let _guard = match reason {
            RefreshReason::Stale => match self.shared.refresh_lock.try_lock() {
                Ok(guard) => guard,
                // Someone is downloading already; this call goes on with the current keys.
                Err(_) => return Ok(false),
            },
            RefreshReason::Initial | RefreshReason::UnknownSerial(_) | RefreshReason::Forced => {
                self.shared.refresh_lock.lock().await
            }
        };
        let now = self.shared.clock.now_unix();
        let someone_else_downloaded = self.generation() != seen;
        let go = match reason {
            RefreshReason::Initial => {
                if !self.needs_initial_download() {
                    return Ok(false);
                }
                if someone_else_downloaded {
                    // The download this call waited for failed; its caller got the reason.
                    return Err(VerifyError::NoPlatformCertificates.into());
                }
                true
            }
            RefreshReason::Stale => self.is_stale(now) && self.attempt_allowed(now),
            RefreshReason::UnknownSerial(serial) => {
                !someone_else_downloaded
                    && !self.snapshot().contains(serial)
                    && self.attempt_allowed(now)
            }
            RefreshReason::Forced => !someone_else_downloaded,
        };
        if !go {
            return Ok(false);
        }
        {
            let mut book = self.book();
            book.generation += 1;
            book.last_attempt = Some(now);
        }
        let result = download().await;
        self.book().generation += 1;
        let certs = result?;
        self.install(certs, self.shared.clock.now_unix(), true);
        Ok(true)
    }
}

impl VerifySignature for KeyStore {
    fn verify_signature(
        &self,
        headers: &SignatureHeaders<'_>,
        body: &[u8],
        now: i64,
    ) -> wechatpay_crypto::Result<()> {
        self.snapshot().verify(headers, body, now)
    }
}

/// Whether `candidate` is the merchant's own public key: a probe signed with the merchant
/// key verifies under it. Catches `apiclient_cert.pem` / `apiclient_pub.pem` configured where
/// WeChat Pay's certificate or public key belongs.
fn is_merchant_key(merchant_key: &PrivateKey, candidate: &PublicKey) -> bool {
    const PROBE: &[u8] = b"wechatpay-transport: is this the merchant's own key?";
    merchant_key.sign(PROBE).is_ok_and(|sig| candidate.verify(PROBE, &sig))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use wechatpay_crypto::FixedClock;

    const MERCHANT_KEY: &str = include_str!("../../../fixtures/vectors/keys/apiclient_key.pem");
    const MERCHANT_CERT: &str = include_str!("../../../fixtures/vectors/keys/apiclient_cert.pem");
    const MERCHANT_PUB: &str = include_str!("../../../fixtures/vectors/keys/apiclient_pub.pem");
    const PLATFORM_CERT: &str =
        include_str!("../../../fixtures/vectors/keys/wechatpay_platform_cert.pem");
    const PUB_KEY: &str = include_str!("../../../fixtures/vectors/keys/pub_key.pem");
    const PUB_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";
    const MERCHANT_SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
    const NOW: i64 = 1_735_700_000;

    fn config(mode: KeyMode, certificates: Vec<Certificate>, clock: FixedClock) -> KeyStoreConfig {
        KeyStoreConfig {
            mode,
            certificates,
            clock: Arc::new(clock),
            refresh_interval_secs: 43_200,
            min_refresh_interval_secs: 60,
            merchant_serial: SerialNo::new(MERCHANT_SERIAL),
            merchant_key: PrivateKey::from_pem(MERCHANT_KEY).unwrap(),
        }
    }

    fn platform() -> Certificate {
        Certificate::from_pem(PLATFORM_CERT).unwrap()
    }

    // Proves the merchant's own certificate or public key is refused as a verification key.
    #[test]
    fn merchant_key_is_refused() {
        let own_cert = Certificate::from_pem(MERCHANT_CERT).unwrap();
        let err = KeyStore::new(config(
            KeyMode::PlatformCertificates,
            vec![own_cert],
            FixedClock::new(NOW),
        ))
        .unwrap_err();
        assert!(
            matches!(err, ConfigError::MerchantKeyAsVerificationKey { ref serial } if serial == MERCHANT_SERIAL),
            "{err}"
        );
        let own_pub = WechatPayPublicKey::from_pem(
            "PUB_KEY_ID_0000000000000000000000000000000001",
            MERCHANT_PUB,
        )
        .unwrap();
        let err = KeyStore::new(config(KeyMode::PublicKey(own_pub), vec![], FixedClock::new(NOW)))
            .unwrap_err();
        assert!(matches!(err, ConfigError::MerchantKeyAsVerificationKey { .. }));
        assert!(KeyStore::new(config(
            KeyMode::PlatformCertificates,
            vec![platform()],
            FixedClock::new(NOW)
        ))
        .is_ok());
    }

    // Proves each mode reports what it downloads and which serial it announces.
    #[test]
    fn modes() {
        let pk = WechatPayPublicKey::from_pem(PUB_ID, PUB_KEY).unwrap();
        let clock = FixedClock::new(NOW);
        let cert_mode =
            KeyStore::new(config(KeyMode::PlatformCertificates, vec![], clock.clone())).unwrap();
        assert!(cert_mode.needs_initial_download());
        assert!(cert_mode.announced_serial().is_none());
        let pk_mode =
            KeyStore::new(config(KeyMode::PublicKey(pk.clone()), vec![], clock.clone())).unwrap();
        assert!(!pk_mode.downloads_certificates());
        assert!(!pk_mode.needs_initial_download());
        assert_eq!(pk_mode.announced_serial().unwrap().as_str(), PUB_ID);
        let mixed = KeyStore::new(config(KeyMode::Mixed(pk), vec![], clock)).unwrap();
        assert!(mixed.downloads_certificates());
        assert!(
            !mixed.needs_initial_download(),
            "mixed mode can verify with the public key meanwhile"
        );
        assert_eq!(mixed.serials().len(), 1);
    }

    // Proves concurrent refreshes for the same unknown serial download once, and a later one
    // inside the minimum interval does not download at all.
    #[tokio::test]
    async fn unknown_serial_refresh_is_single_flight_and_rate_limited() {
        let clock = FixedClock::new(NOW);
        let store =
            KeyStore::new(config(KeyMode::PlatformCertificates, vec![platform()], clock.clone()))
                .unwrap();
        let downloads = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let store = store.clone();
            let downloads = downloads.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .refresh_with(RefreshReason::UnknownSerial("FORGED"), || async {
                        downloads.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok(vec![platform()])
                    })
                    .await
                    .unwrap()
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(downloads.load(Ordering::SeqCst), 1);
        let again = store
            .refresh_with(RefreshReason::UnknownSerial("FORGED"), || async { Ok(vec![]) })
            .await
            .unwrap();
        assert!(!again, "inside the minimum interval");
        clock.advance(61);
        let later = store
            .refresh_with(RefreshReason::UnknownSerial("FORGED"), || async { Ok(vec![]) })
            .await
            .unwrap();
        assert!(later);
    }

    // Proves refresh keeps old certificates, marks staleness after the interval, and a failed
    // initial download surfaces its error while waiters get NoPlatformCertificates.
    #[tokio::test]
    async fn staleness_and_failed_initial_download() {
        let clock = FixedClock::new(NOW);
        let store =
            KeyStore::new(config(KeyMode::PlatformCertificates, vec![], clock.clone())).unwrap();
        assert!(!store.is_stale(NOW), "never downloaded: initial, not stale");
        let err = store
            .refresh_with(RefreshReason::Initial, || async {
                Err(Error::Verify(VerifyError::CertificateSerialMismatch {
                    listed: "A".into(),
                    actual: "B".into(),
                }))
            })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Verify(VerifyError::CertificateSerialMismatch { .. })));
        assert!(store.needs_initial_download());
        assert!(store
            .refresh_with(RefreshReason::Initial, || async { Ok(vec![platform()]) })
            .await
            .unwrap());
        assert!(!store.needs_initial_download());
        clock.advance(43_200);
        assert!(store.is_stale(clock.now_unix()));
        assert!(store.refresh_with(RefreshReason::Stale, || async { Ok(vec![]) }).await.unwrap());
        assert_eq!(store.serials().len(), 1, "old certificate kept");
        assert!(!store.is_stale(clock.now_unix()));
    }
}
