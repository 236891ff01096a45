//! The mock's configuration: tenants (platform merchants with their keys and
//! sub-merchants), key modes, timing profile and limits. Read from TOML with
//! [`MockConfig::from_file`]; see docs/mock-server.md for the format.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{ConfigError, Secret};
use crate::identity;
use crate::journal;
use crate::policy::TimingProfile;

/// The largest request body accepted by default (8 MiB: above the 5 MB media limit, so the
/// media area decides about image sizes itself).
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// How a tenant signs responses and which keys encrypt sensitive fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyMode {
    /// Platform certificates: responses signed with the platform certificate's key,
    /// `GET /v3/certificates` lists it.
    #[default]
    Certificate,
    /// WeChat Pay public key: responses signed with its private half, serial `PUB_KEY_ID_…`,
    /// `GET /v3/certificates` answers an empty list.
    PublicKey,
    /// Both (the migration period): the request's `Wechatpay-Serial` picks the key that
    /// signs the response, the public key when it names neither.
    Mixed,
}

impl KeyMode {
    /// The TOML / command-line spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Certificate => "certificate",
            Self::PublicKey => "public-key",
            Self::Mixed => "mixed",
        }
    }

    /// Whether platform certificates are in use.
    pub fn uses_certificate(self) -> bool {
        matches!(self, Self::Certificate | Self::Mixed)
    }

    /// Whether the WeChat Pay public key is in use.
    pub fn uses_public_key(self) -> bool {
        matches!(self, Self::PublicKey | Self::Mixed)
    }
}

impl std::str::FromStr for KeyMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "certificate" => Ok(Self::Certificate),
            "public-key" => Ok(Self::PublicKey),
            "mixed" => Ok(Self::Mixed),
            other => Err(format!("unknown key mode `{other}` (certificate | public-key | mixed)")),
        }
    }
}

/// How the callback dispatcher treats a tenant's notifications.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CallbackPolicy {
    /// Whether notifications are POSTed to `notify_url` at all (otherwise they are only
    /// recorded, for tests that fetch them through the admin API).
    pub deliver: bool,
    /// Deliveries per notification before the mock gives up (WeChat Pay: 1 + 15 retries;
    /// 1 to 64).
    pub max_attempts: u32,
}

impl Default for CallbackPolicy {
    fn default() -> Self {
        Self { deliver: true, max_attempts: 16 }
    }
}

/// Key and certificate files of a tenant; any file left out uses the built-in test key.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFiles {
    /// Merchant API certificates the mock accepts signatures from (several during a
    /// rotation). Empty: the built-in merchant certificate.
    #[serde(default)]
    pub merchant_certificates: Vec<PathBuf>,
    /// The merchant private key, only so the mock can print / hand out complete credentials.
    pub merchant_private_key: Option<PathBuf>,
    /// Platform certificate.
    pub platform_certificate: Option<PathBuf>,
    /// Its private key.
    pub platform_private_key: Option<PathBuf>,
    /// WeChat Pay public key (SPKI PEM).
    pub public_key: Option<PathBuf>,
    /// Its private half.
    pub public_key_private: Option<PathBuf>,
    /// Its id, `PUB_KEY_ID_…` (required with `public_key`).
    pub public_key_id: Option<String>,
}

/// One platform merchant (服务商 / 电商平台) and its sub-merchants.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    /// Platform merchant id.
    pub mchid: String,
    /// Key mode.
    #[serde(default)]
    pub key_mode: KeyMode,
    /// Sub-merchants (二级商户) onboarded from the start.
    #[serde(default)]
    pub sub_mchids: Vec<String>,
    /// App ids.
    #[serde(default)]
    pub appids: Vec<String>,
    /// APIv3 key (32 ASCII characters); the built-in test key when absent.
    pub apiv3_key: Option<Secret>,
    /// Key files.
    #[serde(default)]
    pub keys: KeyFiles,
    /// Callback behaviour.
    #[serde(default)]
    pub callback: CallbackPolicy,
}

impl TenantConfig {
    /// The built-in tenant: `1900000100` with sub-merchants `1900000109` and `1900000110`,
    /// every built-in key, certificate mode.
    pub fn builtin() -> Self {
        Self {
            mchid: identity::SP_MCHID.to_owned(),
            key_mode: KeyMode::default(),
            sub_mchids: vec![identity::SUB_MCHID.to_owned(), identity::SECOND_SUB_MCHID.to_owned()],
            appids: vec![identity::SP_APPID.to_owned(), identity::SUB_APPID.to_owned()],
            apiv3_key: None,
            keys: KeyFiles::default(),
            callback: CallbackPolicy::default(),
        }
    }

    fn resolve_paths(&mut self, base: &Path) {
        let k = &mut self.keys;
        for p in k.merchant_certificates.iter_mut() {
            *p = base.join(&*p);
        }
        for p in [
            &mut k.merchant_private_key,
            &mut k.platform_certificate,
            &mut k.platform_private_key,
            &mut k.public_key,
            &mut k.public_key_private,
        ]
        .into_iter()
        .flatten()
        {
            *p = base.join(&*p);
        }
    }
}

/// The whole configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MockConfig {
    /// Delays of automatic transitions.
    pub timing: TimingProfile,
    /// Largest accepted request body, bytes.
    pub max_body_bytes: usize,
    /// Request journal retention, entries.
    pub journal_capacity: usize,
    /// Whether the built-in tenant `1900000100` exists (a `[[tenant]]` with its mchid
    /// replaces it either way).
    pub builtin_tenant: bool,
    /// Token the admin API requires (`Authorization: Bearer …`); none = open admin API.
    pub admin_token: Option<Secret>,
    /// Tenants besides (or replacing) the built-in one; TOML `[[tenant]]`.
    #[serde(rename = "tenant")]
    pub tenants: Vec<TenantConfig>,
    /// Keep state durably in this folder (a write-ahead journal, see `persist`); `None`: in
    /// memory only. Relative to the configuration file's folder when read from a file.
    pub data_dir: Option<PathBuf>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            timing: TimingProfile::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            journal_capacity: journal::DEFAULT_CAPACITY,
            builtin_tenant: true,
            admin_token: None,
            tenants: Vec::new(),
            data_dir: None,
        }
    }
}

impl MockConfig {
    /// Parses TOML text; relative key paths stay relative to the working directory.
    ///
    /// # Errors
    /// [`ConfigError::Toml`] (with `path` `<inline>`).
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        toml::from_str(text)
            .map_err(|e| ConfigError::Toml { path: PathBuf::from("<inline>"), source: Box::new(e) })
    }

    /// Reads a TOML file; relative key paths are taken relative to the file's folder.
    ///
    /// # Errors
    /// [`ConfigError::Io`] or [`ConfigError::Toml`].
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Io { path: path.to_owned(), source })?;
        let mut config: Self = toml::from_str(&text)
            .map_err(|e| ConfigError::Toml { path: path.to_owned(), source: Box::new(e) })?;
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        for t in &mut config.tenants {
            t.resolve_paths(base);
        }
        if let Some(dir) = &mut config.data_dir {
            *dir = base.join(&*dir);
        }
        Ok(config)
    }

    /// The tenants to run: the built-in one (unless disabled or replaced), then the
    /// configured ones, in order.
    ///
    /// # Errors
    /// [`ConfigError::DuplicateTenant`] or [`ConfigError::NoTenants`].
    pub fn effective_tenants(&self) -> Result<Vec<TenantConfig>, ConfigError> {
        let mut out = Vec::new();
        if self.builtin_tenant && !self.tenants.iter().any(|t| t.mchid == identity::SP_MCHID) {
            out.push(TenantConfig::builtin());
        }
        for t in &self.tenants {
            if out.iter().any(|o: &TenantConfig| o.mchid == t.mchid) {
                return Err(ConfigError::DuplicateTenant(t.mchid.clone()));
            }
            out.push(t.clone());
        }
        if out.is_empty() {
            return Err(ConfigError::NoTenants);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the documented TOML shape parses, defaults apply and the built-in tenant stays first.
    #[test]
    fn toml_with_extra_tenant() {
        let c = MockConfig::from_toml(
            r#"
            timing = "production"
            [[tenant]]
            mchid = "1900000200"
            key_mode = "public-key"
            sub_mchids = ["1900000201"]
            [tenant.callback]
            deliver = false
            "#,
        )
        .unwrap();
        assert_eq!(c.timing, TimingProfile::Production);
        assert_eq!(c.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        let tenants = c.effective_tenants().unwrap();
        assert_eq!(
            tenants.iter().map(|t| t.mchid.as_str()).collect::<Vec<_>>(),
            ["1900000100", "1900000200"]
        );
        assert_eq!(tenants[1].key_mode, KeyMode::PublicKey);
        assert!(!tenants[1].callback.deliver);
        assert_eq!(tenants[1].callback.max_attempts, 16);
    }

    // Proves a tenant with the built-in mchid replaces it, and duplicates or no tenants are refused.
    #[test]
    fn replacing_duplicates_and_empty() {
        let c = MockConfig::from_toml("[[tenant]]\nmchid = \"1900000100\"\nkey_mode = \"mixed\"\n")
            .unwrap();
        let t = c.effective_tenants().unwrap();
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].key_mode, KeyMode::Mixed);
        let dup = MockConfig::from_toml("[[tenant]]\nmchid = \"1\"\n[[tenant]]\nmchid = \"1\"\n")
            .unwrap();
        assert!(
            matches!(dup.effective_tenants(), Err(ConfigError::DuplicateTenant(m)) if m == "1")
        );
        let none = MockConfig::from_toml("builtin_tenant = false\n").unwrap();
        assert!(matches!(none.effective_tenants(), Err(ConfigError::NoTenants)));
    }

    // Proves unknown keys and unknown key modes are rejected rather than silently ignored.
    #[test]
    fn typos_are_errors() {
        assert!(MockConfig::from_toml("timeing = \"fast\"\n").is_err());
        assert!(
            MockConfig::from_toml("[[tenant]]\nmchid = \"1\"\nkey_mode = \"pubkey\"\n").is_err()
        );
        assert_eq!("public-key".parse::<KeyMode>(), Ok(KeyMode::PublicKey));
    }
}
