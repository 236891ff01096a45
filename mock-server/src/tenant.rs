//! Tenants: the platform merchants the mock serves, each with its keys, key mode,
//! sub-merchants and virtual clock. Tenants are immutable once built (their changing state
//! lives in the [`crate::store::Store`]); only the clock's offset moves.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use wechatpay_crypto::{
    ApiV3Key, Certificate, Clock, EncryptionKey, PrivateKey, PublicKey, SerialNo,
    WechatPayPublicKey,
};
use zeroize::Zeroizing;

use crate::clock::VirtualClock;
use crate::config::{CallbackPolicy, KeyMode, TenantConfig};
use crate::error::ConfigError;
use crate::identity::{self, Credentials};
use crate::signing::SigningKey;

/// One platform merchant.
pub struct Tenant {
    mchid: String,
    key_mode: KeyMode,
    merchant_certificates: Vec<Certificate>,
    platform_certificate: Option<Certificate>,
    public_key: Option<WechatPayPublicKey>,
    signing_keys: SigningKeys,
    apiv3_key: ApiV3Key,
    sub_mchids: Vec<String>,
    appids: Vec<String>,
    callback: CallbackPolicy,
    clock: VirtualClock,
    credentials: Credentials,
}

impl fmt::Debug for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tenant")
            .field("mchid", &self.mchid)
            .field("key_mode", &self.key_mode)
            .field("sub_mchids", &self.sub_mchids)
            .field("clock_offset_secs", &self.clock.offset_secs())
            .finish_non_exhaustive()
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map_err(|source| ConfigError::Io { path: path.to_owned(), source })
}

fn file_or(path: Option<&Path>, builtin: &str) -> Result<String, ConfigError> {
    path.map_or_else(|| Ok(builtin.to_owned()), read)
}

/// The keys WeChat Pay signs with, by mode, so that the key a mode needs always exists.
enum SigningKeys {
    Certificate { platform: SigningKey },
    PublicKey { public: SigningKey },
    Mixed { platform: SigningKey, public: SigningKey },
}

impl SigningKeys {
    fn all(&self) -> impl Iterator<Item = &SigningKey> {
        let (a, b) = match self {
            Self::Certificate { platform } => (platform, None),
            Self::PublicKey { public } => (public, None),
            Self::Mixed { platform, public } => (platform, Some(public)),
        };
        std::iter::once(a).chain(b)
    }
}

impl Tenant {
    /// Builds a tenant from its configuration; its clock runs on `base`.
    ///
    /// # Errors
    /// [`ConfigError::Io`] for unreadable key files, [`ConfigError::Key`] for unusable keys,
    /// [`ConfigError::Invalid`] for an inconsistent configuration.
    pub fn from_config(config: &TenantConfig, base: Arc<dyn Clock>) -> Result<Self, ConfigError> {
        let mchid = config.mchid.clone();
        if mchid.is_empty() || mchid.len() > 32 || !mchid.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConfigError::Invalid(format!("mchid `{mchid}` must be 1 to 32 digits")));
        }
        let max_attempts = config.callback.max_attempts;
        if !(1..=crate::callbacks::MAX_ATTEMPTS_LIMIT).contains(&max_attempts) {
            return Err(ConfigError::Invalid(format!(
                "tenant {mchid}: callback.max_attempts {max_attempts} is not 1 to {}",
                crate::callbacks::MAX_ATTEMPTS_LIMIT
            )));
        }
        let key_err = |what: &'static str| {
            let mchid = mchid.clone();
            move |source| ConfigError::Key { mchid, what, source }
        };
        let keys = &config.keys;

        let (merchant_pems, merchant_private_key_pem) = if keys.merchant_certificates.is_empty() {
            (
                vec![identity::MERCHANT_CERTIFICATE_PEM.to_owned()],
                Some(identity::MERCHANT_PRIVATE_KEY_PEM.to_owned()),
            )
        } else {
            let pems = keys
                .merchant_certificates
                .iter()
                .map(|p| read(p))
                .collect::<Result<Vec<_>, _>>()?;
            let private = keys.merchant_private_key.as_deref().map(read).transpose()?;
            (pems, private)
        };
        let merchant_certificates = merchant_pems
            .iter()
            .map(Certificate::from_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(key_err("merchant certificate"))?;
        let first_merchant = merchant_certificates.first().ok_or_else(|| {
            ConfigError::Invalid(format!("tenant {mchid} has no merchant certificate"))
        })?;
        if let Some(pem) = &merchant_private_key_pem {
            PrivateKey::from_pem(pem).map_err(key_err("merchant private key"))?;
        }

        let (platform_certificate, platform_key) = if config.key_mode.uses_certificate() {
            let cert_pem =
                file_or(keys.platform_certificate.as_deref(), identity::PLATFORM_CERTIFICATE_PEM)?;
            let key_pem =
                file_or(keys.platform_private_key.as_deref(), identity::PLATFORM_PRIVATE_KEY_PEM)?;
            let cert = Certificate::from_pem(&cert_pem).map_err(key_err("platform certificate"))?;
            let key = PrivateKey::from_pem(&key_pem).map_err(key_err("platform private key"))?;
            let signer = SigningKey::new(cert.serial().clone(), key);
            (Some(cert), Some(signer))
        } else {
            (None, None)
        };

        let (public_key, public_key_signer) = if config.key_mode.uses_public_key() {
            let id = match (&keys.public_key, &keys.public_key_id) {
                (None, None) => identity::PUBLIC_KEY_ID.to_owned(),
                (_, Some(id)) => id.clone(),
                (Some(_), None) => {
                    return Err(ConfigError::Invalid(format!(
                        "tenant {mchid}: keys.public_key needs keys.public_key_id"
                    )))
                }
            };
            let pub_pem = file_or(keys.public_key.as_deref(), identity::PUBLIC_KEY_PEM)?;
            let priv_pem =
                file_or(keys.public_key_private.as_deref(), identity::PUBLIC_KEY_PRIVATE_PEM)?;
            let public = PublicKey::from_pem(&pub_pem).map_err(key_err("WeChat Pay public key"))?;
            let public = WechatPayPublicKey::new(id.clone(), public)
                .map_err(key_err("WeChat Pay public key id"))?;
            let private = PrivateKey::from_pem(&priv_pem)
                .map_err(key_err("WeChat Pay public key's private key"))?;
            let signer = SigningKey::new(public.id().clone(), private);
            (Some(public), Some(signer))
        } else {
            (None, None)
        };

        let apiv3_text =
            config.apiv3_key.as_ref().map_or(identity::APIV3_KEY, |s| s.expose()).to_owned();
        let apiv3_key = ApiV3Key::new(apiv3_text.as_bytes()).map_err(key_err("APIv3 key"))?;

        let credentials = Credentials {
            mchid: mchid.clone(),
            merchant_serial: first_merchant.serial().to_string(),
            merchant_private_key_pem: merchant_private_key_pem.map(Zeroizing::new),
            merchant_certificate_pem: first_merchant.pem().to_owned(),
            apiv3_key: Zeroizing::new(apiv3_text),
            key_mode: config.key_mode,
            platform_serial: platform_certificate.as_ref().map(|c| c.serial().to_string()),
            platform_certificate_pem: platform_certificate.as_ref().map(|c| c.pem().to_owned()),
            public_key_id: public_key.as_ref().map(|k| k.id().to_string()),
            public_key_pem: if config.key_mode.uses_public_key() {
                Some(file_or(keys.public_key.as_deref(), identity::PUBLIC_KEY_PEM)?)
            } else {
                None
            },
            sub_mchids: config.sub_mchids.clone(),
            appids: config.appids.clone(),
        };

        let signing_keys = match (config.key_mode, platform_key, public_key_signer) {
            (KeyMode::Certificate, Some(platform), _) => SigningKeys::Certificate { platform },
            (KeyMode::PublicKey, _, Some(public)) => SigningKeys::PublicKey { public },
            (KeyMode::Mixed, Some(platform), Some(public)) => {
                SigningKeys::Mixed { platform, public }
            }
            (mode, _, _) => {
                return Err(ConfigError::Invalid(format!(
                    "tenant {mchid}: keys missing for key mode {}",
                    mode.as_str()
                )))
            }
        };

        Ok(Self {
            mchid,
            key_mode: config.key_mode,
            merchant_certificates,
            platform_certificate,
            public_key,
            signing_keys,
            apiv3_key,
            sub_mchids: config.sub_mchids.clone(),
            appids: config.appids.clone(),
            callback: config.callback.clone(),
            clock: VirtualClock::new(base),
            credentials,
        })
    }

    /// Platform merchant id.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// Key mode.
    pub fn key_mode(&self) -> KeyMode {
        self.key_mode
    }

    /// The tenant's virtual clock.
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }

    /// The tenant's virtual now, unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.clock.now_unix()
    }

    /// The APIv3 key (callbacks, `/v3/certificates`, encrypted bills).
    pub fn apiv3_key(&self) -> &ApiV3Key {
        &self.apiv3_key
    }

    /// Sub-merchants onboarded at start (the store tracks later onboarding).
    pub fn initial_sub_mchids(&self) -> &[String] {
        &self.sub_mchids
    }

    /// App ids.
    pub fn appids(&self) -> &[String] {
        &self.appids
    }

    /// Callback behaviour.
    pub fn callback_policy(&self) -> &CallbackPolicy {
        &self.callback
    }

    /// Client credentials for this tenant.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The merchant API certificate with `serial`, if this merchant has one.
    pub fn merchant_certificate(&self, serial: &str) -> Option<&Certificate> {
        let serial = SerialNo::new(serial);
        self.merchant_certificates.iter().find(|c| *c.serial() == serial)
    }

    /// Serials of the merchant certificates (for error hints).
    pub fn merchant_serials(&self) -> Vec<String> {
        self.merchant_certificates.iter().map(|c| c.serial().to_string()).collect()
    }

    /// Platform certificates published by `GET /v3/certificates` (none in public-key mode).
    pub fn platform_certificates(&self) -> impl Iterator<Item = &Certificate> {
        self.platform_certificate.iter()
    }

    /// The WeChat Pay public key, in public-key and mixed modes.
    pub fn public_key(&self) -> Option<&WechatPayPublicKey> {
        self.public_key.as_ref()
    }

    /// The key that signs a response: the platform key in certificate mode, the public key
    /// in public-key mode; in mixed mode the one `requested_serial` (the request's
    /// `Wechatpay-Serial`) names, else the public key.
    pub fn response_key(&self, requested_serial: Option<&str>) -> &SigningKey {
        match &self.signing_keys {
            SigningKeys::Certificate { platform } => platform,
            SigningKeys::PublicKey { public } => public,
            SigningKeys::Mixed { platform, public } => match requested_serial.map(SerialNo::new) {
                Some(s) if s == *platform.serial() => platform,
                _ => public,
            },
        }
    }

    /// The private key behind `serial` (platform certificate serial or public key id), to
    /// decrypt sensitive fields a client encrypted to it.
    pub fn signer_for_serial(&self, serial: &str) -> Option<&SigningKey> {
        let serial = SerialNo::new(serial);
        self.signing_keys.all().find(|k| *k.serial() == serial)
    }

    /// Serials a client may encrypt sensitive fields to (for error hints).
    pub fn encryption_serials(&self) -> Vec<String> {
        self.signing_keys.all().map(|k| k.serial().to_string()).collect()
    }

    /// The key that encrypts sensitive response fields to the merchant (its first API
    /// certificate).
    pub fn merchant_encryption_key(&self) -> Option<EncryptionKey> {
        self.merchant_certificates.first().map(EncryptionKey::from_certificate)
    }
}

/// All tenants, by merchant id, with the first configured one as the default (it signs
/// answers to requests that name no known merchant).
#[derive(Clone, Debug)]
pub struct Tenants {
    by_mchid: Arc<BTreeMap<String, Arc<Tenant>>>,
    default: Arc<Tenant>,
}

impl Tenants {
    /// Builds every tenant.
    ///
    /// # Errors
    /// As [`Tenant::from_config`], plus [`ConfigError::NoTenants`] / [`ConfigError::DuplicateTenant`].
    pub fn from_configs(
        configs: &[TenantConfig],
        base: Arc<dyn Clock>,
    ) -> Result<Self, ConfigError> {
        let mut by_mchid = BTreeMap::new();
        let mut default = None;
        for c in configs {
            let t = Arc::new(Tenant::from_config(c, base.clone())?);
            if by_mchid.insert(t.mchid().to_owned(), t.clone()).is_some() {
                return Err(ConfigError::DuplicateTenant(t.mchid().to_owned()));
            }
            default.get_or_insert(t);
        }
        let default = default.ok_or(ConfigError::NoTenants)?;
        Ok(Self { by_mchid: Arc::new(by_mchid), default })
    }

    /// The tenant with this merchant id.
    pub fn get(&self, mchid: &str) -> Option<&Arc<Tenant>> {
        self.by_mchid.get(mchid)
    }

    /// The first configured tenant.
    pub fn default_tenant(&self) -> &Arc<Tenant> {
        &self.default
    }

    /// Every tenant, by merchant id.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Tenant>> {
        self.by_mchid.values()
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::SystemClock;

    use super::*;

    fn tenant(mode: KeyMode) -> Tenant {
        let mut c = TenantConfig::builtin();
        c.key_mode = mode;
        Tenant::from_config(&c, Arc::new(SystemClock)).unwrap()
    }

    // Proves each key mode signs with its documented key and mixed mode follows the request.
    #[test]
    fn response_key_per_mode() {
        assert_eq!(
            tenant(KeyMode::Certificate).response_key(None).serial().as_str(),
            identity::PLATFORM_CERT_SERIAL
        );
        assert_eq!(
            tenant(KeyMode::Certificate)
                .response_key(Some(identity::PUBLIC_KEY_ID))
                .serial()
                .as_str(),
            identity::PLATFORM_CERT_SERIAL
        );
        assert_eq!(
            tenant(KeyMode::PublicKey).response_key(None).serial().as_str(),
            identity::PUBLIC_KEY_ID
        );
        let mixed = tenant(KeyMode::Mixed);
        assert_eq!(mixed.response_key(None).serial().as_str(), identity::PUBLIC_KEY_ID);
        assert_eq!(
            mixed.response_key(Some("5f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c")).serial().as_str(),
            identity::PLATFORM_CERT_SERIAL
        );
        assert_eq!(mixed.response_key(Some("nope")).serial().as_str(), identity::PUBLIC_KEY_ID);
    }

    // Proves a public-key tenant publishes no platform certificate and decrypts only for its key id.
    #[test]
    fn public_key_mode_has_no_certificate() {
        let t = tenant(KeyMode::PublicKey);
        assert_eq!(t.platform_certificates().count(), 0);
        assert!(t.signer_for_serial(identity::PLATFORM_CERT_SERIAL).is_none());
        assert!(t.signer_for_serial(identity::PUBLIC_KEY_ID).is_some());
        assert_eq!(t.credentials().platform_certificate_pem, None);
        assert!(t.credentials().public_key_pem.is_some());
    }

    // Proves bad configuration is refused with the tenant named.
    #[test]
    fn bad_configuration() {
        let mut c = TenantConfig::builtin();
        c.mchid = "19x".into();
        assert!(matches!(
            Tenant::from_config(&c, Arc::new(SystemClock)),
            Err(ConfigError::Invalid(_))
        ));
        let mut c = TenantConfig::builtin();
        c.callback.max_attempts = 0;
        assert!(matches!(
            Tenant::from_config(&c, Arc::new(SystemClock)),
            Err(ConfigError::Invalid(m)) if m.contains("max_attempts")
        ));
        let mut c = TenantConfig::builtin();
        c.apiv3_key = Some(crate::error::Secret::new("short"));
        assert!(matches!(
            Tenant::from_config(&c, Arc::new(SystemClock)),
            Err(ConfigError::Key { what: "APIv3 key", .. })
        ));
    }
}
