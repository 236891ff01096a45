//! Where settings come from, and turning them into keys, a transport and a verifier.
//!
//! Precedence: a flag, then its `WXPAY_*` variable (clap merges those two), then the profile.
//! `--mock` (or `mock = true` in a profile) replaces the whole identity by the mock server's
//! built-in TEST ONLY one, so a stray `WXPAY_MCHID` cannot mix a real merchant id with test
//! keys; only the base URL, key mode and timeout are still taken from flags and profile.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use wechatpay_crypto::{ApiV3Key, Certificate, MerchantSigner, PrivateKey, WechatPayPublicKey};
use wechatpay_mock::identity as mock_id;
use wechatpay_transport::{KeyMode, Transport};

use crate::cli::{GlobalArgs, KeyModeArg};
use crate::error::{CliError, Setting};
use crate::secret::Secret;

/// The base URL `--mock` uses when none is given: where `wxpay mock` and `wechatpay-mock`
/// listen by default.
pub(crate) const DEFAULT_MOCK_BASE_URL: &str = "http://127.0.0.1:9966";

/// Appended to the SDK's User-Agent.
const USER_AGENT: &str = concat!("wxpay/", env!("CARGO_PKG_VERSION"));

/// One profile of the profile file: every setting is optional, paths are relative to the
/// file's folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    mchid: Option<String>,
    serial: Option<String>,
    private_key: Option<PathBuf>,
    apiv3_key: Option<Secret>,
    base_url: Option<String>,
    public_key: Option<PathBuf>,
    public_key_id: Option<String>,
    platform_cert: Option<PathBuf>,
    key_mode: Option<KeyModeArg>,
    #[serde(default)]
    mock: bool,
}

/// Where a key or certificate comes from.
#[derive(Clone)]
pub(crate) enum Source {
    /// A file (or, for platform certificates, a folder).
    File(PathBuf),
    /// The mock's embedded TEST ONLY PEM.
    Builtin(&'static str),
}

impl std::fmt::Debug for Source {
    // The built-in PEM is a (test) private key: show where it comes from, never its text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl Source {
    /// A name for messages: the path, or `built-in mock key`.
    pub(crate) fn label(&self) -> String {
        match self {
            Self::File(p) => p.display().to_string(),
            Self::Builtin(_) => "the mock's built-in test key".to_owned(),
        }
    }
}

/// The settings of one run, resolved; keys are loaded on demand, so a command that needs
/// no private key does not fail over a missing one.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) mchid: Option<String>,
    pub(crate) serial: Option<String>,
    pub(crate) private_key: Option<Source>,
    apiv3_key: Option<Secret>,
    pub(crate) base_url: Option<String>,
    pub(crate) public_key: Option<Source>,
    pub(crate) public_key_id: Option<String>,
    pub(crate) platform_cert: Option<Source>,
    pub(crate) key_mode: Option<KeyModeArg>,
    pub(crate) timeout: Duration,
    /// The profile used, for messages.
    pub(crate) profile: Option<String>,
}

impl Settings {
    /// Merges flags / environment with the profile file.
    ///
    /// # Errors
    /// [`CliError::Profile`] for an unreadable or invalid profile file or an unknown profile.
    pub(crate) fn resolve(args: &GlobalArgs) -> Result<Self, CliError> {
        let (profile_name, profile) = load_profile(args)?;
        let mock = args.mock || profile.mock;
        let timeout = Duration::from_secs(args.timeout.max(1));
        let base_url = args.base_url.clone().or(profile.base_url);
        let key_mode = args.key_mode.or(profile.key_mode);
        if mock {
            return Ok(Self {
                mchid: Some(mock_id::SP_MCHID.to_owned()),
                serial: Some(mock_id::MERCHANT_CERT_SERIAL.to_owned()),
                private_key: Some(Source::Builtin(mock_id::MERCHANT_PRIVATE_KEY_PEM)),
                apiv3_key: Some(Secret::from_static(mock_id::APIV3_KEY)),
                base_url: Some(base_url.unwrap_or_else(|| DEFAULT_MOCK_BASE_URL.to_owned())),
                public_key: Some(Source::Builtin(mock_id::PUBLIC_KEY_PEM)),
                public_key_id: Some(mock_id::PUBLIC_KEY_ID.to_owned()),
                platform_cert: Some(Source::Builtin(mock_id::PLATFORM_CERTIFICATE_PEM)),
                // The mock's default tenant is in certificate mode; its public key is known
                // too, so --key-mode public-key / mixed work against such tenants.
                key_mode: Some(key_mode.unwrap_or(KeyModeArg::Certificate)),
                timeout,
                profile: profile_name,
            });
        }
        Ok(Self {
            mchid: args.mchid.clone().or(profile.mchid),
            serial: args.serial.clone().or(profile.serial),
            private_key: args.private_key.clone().or(profile.private_key).map(Source::File),
            apiv3_key: args.apiv3_key.clone().or(profile.apiv3_key),
            base_url,
            public_key: args.public_key.clone().or(profile.public_key).map(Source::File),
            public_key_id: args.public_key_id.clone().or(profile.public_key_id),
            platform_cert: args.platform_cert.clone().or(profile.platform_cert).map(Source::File),
            key_mode,
            timeout,
            profile: profile_name,
        })
    }

    /// The merchant id.
    ///
    /// # Errors
    /// [`CliError::Missing`].
    pub(crate) fn mchid(&self) -> Result<&str, CliError> {
        self.mchid.as_deref().ok_or(CliError::Missing(Setting::Mchid))
    }

    /// The merchant API certificate serial.
    ///
    /// # Errors
    /// [`CliError::Missing`].
    pub(crate) fn serial(&self) -> Result<&str, CliError> {
        self.serial.as_deref().ok_or(CliError::Missing(Setting::Serial))
    }

    /// Loads the merchant private key.
    ///
    /// # Errors
    /// [`CliError::Missing`], [`CliError::Read`] or [`CliError::Key`].
    pub(crate) fn merchant_key(&self) -> Result<PrivateKey, CliError> {
        let source = self.private_key.as_ref().ok_or(CliError::Missing(Setting::PrivateKey))?;
        let pem = read_source(source, "merchant private key")?;
        PrivateKey::from_pem(&pem).map_err(|e| CliError::key("merchant private key", source, e))
    }

    /// The request signer (mchid + serial + private key).
    ///
    /// # Errors
    /// As [`Settings::mchid`], [`Settings::serial`], [`Settings::merchant_key`].
    pub(crate) fn signer(&self) -> Result<MerchantSigner, CliError> {
        let (mchid, serial) = (self.mchid()?, self.serial()?);
        MerchantSigner::new(mchid, serial, self.merchant_key()?)
            .map_err(|source| CliError::Crypto { what: "mchid or serial", source })
    }

    /// The APIv3 key.
    ///
    /// # Errors
    /// [`CliError::Missing`] or [`CliError::Crypto`] for a key that is not 32 bytes.
    pub(crate) fn api_v3_key(&self) -> Result<ApiV3Key, CliError> {
        let secret = self.apiv3_key.as_ref().ok_or(CliError::Missing(Setting::ApiV3Key))?;
        ApiV3Key::new(secret.expose().as_bytes())
            .map_err(|source| CliError::Crypto { what: "APIv3 key", source })
    }

    /// The WeChat Pay public key, if configured (file and id both, or neither).
    ///
    /// # Errors
    /// [`CliError::Missing`] for one without the other, [`CliError::Read`], [`CliError::Key`].
    pub(crate) fn public_key(&self) -> Result<Option<WechatPayPublicKey>, CliError> {
        match (&self.public_key, &self.public_key_id) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(CliError::Missing(Setting::PublicKeyId)),
            (None, Some(_)) => Err(CliError::Missing(Setting::PublicKey)),
            (Some(source), Some(id)) => {
                let pem = read_source(source, "WeChat Pay public key")?;
                WechatPayPublicKey::from_pem(id.clone(), &pem)
                    .map(Some)
                    .map_err(|e| CliError::key("WeChat Pay public key", source, e))
            }
        }
    }

    /// The platform certificates configured: one file, or every `*.pem` of a folder.
    ///
    /// # Errors
    /// [`CliError::Read`] or [`CliError::Key`] naming the file.
    pub(crate) fn platform_certificates(&self) -> Result<Vec<Certificate>, CliError> {
        let Some(source) = &self.platform_cert else { return Ok(Vec::new()) };
        let files = match source {
            Source::Builtin(pem) => {
                let cert = Certificate::from_pem(pem)
                    .map_err(|e| CliError::key("platform certificate", source, e))?;
                return Ok(vec![cert]);
            }
            Source::File(path) if path.is_dir() => pem_files(path)?,
            Source::File(path) => vec![path.clone()],
        };
        files
            .into_iter()
            .map(|path| {
                let pem = crate::body::read_file(&path, "platform certificate")?;
                Certificate::from_pem(&pem)
                    .map_err(|e| CliError::key("platform certificate", &Source::File(path), e))
            })
            .collect()
    }

    /// The key mode for API calls: as configured, else public-key mode when a public key is
    /// configured, else certificate mode.
    fn key_mode(&self, public_key: Option<WechatPayPublicKey>) -> Result<KeyMode, CliError> {
        let wanted = self.key_mode.unwrap_or(if public_key.is_some() {
            KeyModeArg::PublicKey
        } else {
            KeyModeArg::Certificate
        });
        Ok(match (wanted, public_key) {
            (KeyModeArg::Certificate, _) => KeyMode::PlatformCertificates,
            (KeyModeArg::PublicKey, Some(k)) => KeyMode::PublicKey(k),
            (KeyModeArg::Mixed, Some(k)) => KeyMode::Mixed(k),
            (KeyModeArg::PublicKey | KeyModeArg::Mixed, None) => {
                return Err(CliError::Missing(Setting::PublicKey))
            }
        })
    }

    /// A transport for API calls. `seed` trusts the configured platform certificates from
    /// the start (no download until an unknown serial shows up); `wxpay certificates` passes
    /// false so that everything it prints was downloaded.
    ///
    /// # Errors
    /// Loading errors of the keys, or [`CliError::Config`].
    pub(crate) fn transport(&self, seed: bool) -> Result<Transport, CliError> {
        let (mchid, serial) = (self.mchid()?, self.serial()?);
        let key = self.merchant_key()?;
        let mode = self.key_mode(self.public_key()?)?;
        let mut builder = Transport::builder()
            .mchid(mchid)
            .merchant_key(key, serial)
            .key_mode(mode.clone())
            .timeout(self.timeout)
            .user_agent_suffix(USER_AGENT);
        if !matches!(mode, KeyMode::PublicKey(_)) {
            builder = builder.api_v3_key(self.api_v3_key()?);
        }
        if seed && !matches!(mode, KeyMode::PublicKey(_)) {
            for cert in self.platform_certificates()? {
                builder = builder.platform_certificate(cert);
            }
        }
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        builder.build().map_err(CliError::Config)
    }

    /// A verifier holding every configured platform certificate and the public key, for
    /// checking signatures locally.
    ///
    /// # Errors
    /// Loading errors, or [`CliError::Missing`] when nothing is configured to verify with.
    pub(crate) fn local_verifier(&self) -> Result<wechatpay_crypto::Verifier, CliError> {
        let mut verifier = wechatpay_crypto::Verifier::new();
        for cert in self.platform_certificates()? {
            verifier.add_certificate(cert);
        }
        if let Some(key) = self.public_key()? {
            verifier.add_public_key(key);
        }
        if verifier.is_empty() {
            return Err(CliError::Missing(Setting::VerificationKey));
        }
        Ok(verifier)
    }
}

impl Secret {
    fn from_static(s: &'static str) -> Self {
        // Infallible.
        s.parse().unwrap_or_else(|never| match never {})
    }
}

fn read_source(source: &Source, what: &'static str) -> Result<Vec<u8>, CliError> {
    match source {
        Source::File(path) => crate::body::read_file(path, what),
        Source::Builtin(pem) => Ok(pem.as_bytes().to_vec()),
    }
}

/// The `*.pem` files of a folder, sorted by name.
fn pem_files(dir: &Path) -> Result<Vec<PathBuf>, CliError> {
    let read_err = |source| CliError::Read {
        what: "platform certificate folder",
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pem")) && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(CliError::Read {
            what: "platform certificate folder",
            path: dir.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no *.pem file in it"),
        });
    }
    Ok(files)
}

/// The profile file's location: `--config`, else `$XDG_CONFIG_HOME/wxpay/profiles.toml`,
/// else `~/.config/wxpay/profiles.toml`.
fn profile_path(args: &GlobalArgs) -> Option<PathBuf> {
    if let Some(p) = &args.config {
        return Some(p.clone());
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("wxpay").join("profiles.toml"))
}

/// Reads the chosen profile. No `--profile` and no `--config` means: the `default` profile if
/// the usual file exists and has one, nothing otherwise.
fn load_profile(args: &GlobalArgs) -> Result<(Option<String>, Profile), CliError> {
    let explicit = args.profile.is_some() || args.config.is_some();
    let Some(path) = profile_path(args) else {
        return match &args.profile {
            Some(name) => Err(CliError::Profile {
                path: PathBuf::from("~/.config/wxpay/profiles.toml"),
                reason: format!(
                    "cannot look up profile `{name}`: neither HOME nor XDG_CONFIG_HOME is set"
                ),
            }),
            None => Ok((None, Profile::default())),
        };
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok((None, Profile::default()))
        }
        Err(e) => return Err(CliError::Profile { path, reason: e.to_string() }),
    };
    let mut profiles: BTreeMap<String, Profile> = toml::from_str(&text)
        .map_err(|e| CliError::Profile { path: path.clone(), reason: one_line_toml(&e) })?;
    let name = args.profile.clone().unwrap_or_else(|| "default".to_owned());
    let Some(mut profile) = profiles.remove(&name) else {
        if args.profile.is_none() {
            return Ok((None, Profile::default()));
        }
        let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
        return Err(CliError::Profile {
            path,
            reason: format!(
                "has no profile `{name}` (it has: {})",
                if known.is_empty() { "none".to_owned() } else { known.join(", ") }
            ),
        });
    };
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    for p in [&mut profile.private_key, &mut profile.public_key, &mut profile.platform_cert]
        .into_iter()
        .flatten()
    {
        *p = base.join(&*p);
    }
    warn_if_readable_by_others(&path, &profile);
    Ok((Some(name), profile))
}

/// toml's errors span several lines (a source excerpt); the first one says what is wrong.
fn one_line_toml(e: &toml::de::Error) -> String {
    let message = e.message().to_owned();
    match e.span() {
        Some(span) => format!("{message} (at byte {})", span.start),
        None => message,
    }
}

/// A profile holding the APIv3 key should be readable by its owner only.
#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path, profile: &Profile) {
    use std::os::unix::fs::PermissionsExt;
    if profile.apiv3_key.is_none() {
        return;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "warning: {} holds an APIv3 key and is readable by others; run `chmod 600 {}`",
                path.display(),
                path.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path, _profile: &Profile) {}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(argv: &[&str]) -> GlobalArgs {
        let mut full = vec!["wxpay"];
        full.extend_from_slice(argv);
        full.push("certificates");
        crate::cli::Cli::try_parse_from(full).unwrap().global
    }

    // Proves a profile fills what flags leave out, flags win, and relative paths are taken
    // from the profile file's folder.
    #[test]
    fn profile_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("profiles.toml");
        std::fs::write(
            &file,
            "[prod]\nmchid = \"1900000200\"\nserial = \"ABC\"\nprivate_key = \"keys/k.pem\"\nkey_mode = \"public-key\"\n",
        )
        .unwrap();
        let cfg = file.to_str().unwrap();
        let s =
            Settings::resolve(&args(&["--config", cfg, "--profile", "prod", "--serial", "DEF"]))
                .unwrap();
        assert_eq!(s.mchid.as_deref(), Some("1900000200"));
        assert_eq!(s.serial.as_deref(), Some("DEF"));
        assert_eq!(s.key_mode, Some(KeyModeArg::PublicKey));
        match &s.private_key {
            Some(Source::File(p)) => assert_eq!(p, &dir.path().join("keys/k.pem")),
            other => panic!("{other:?}"),
        }
        let err = Settings::resolve(&args(&["--config", cfg, "--profile", "staging"])).unwrap_err();
        assert!(error_text(&err).contains("has no profile `staging` (it has: prod)"), "{err}");
        // --config without --profile and without a [default] table: no profile, no error.
        let s = Settings::resolve(&args(&["--config", cfg, "--mchid", "1"])).unwrap();
        assert_eq!(s.profile, None);
    }

    // Proves typos in a profile are refused with a one-line reason.
    #[test]
    fn unknown_profile_keys_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.toml");
        std::fs::write(&file, "[default]\nmch_id = \"1\"\n").unwrap();
        let err = Settings::resolve(&args(&["--config", file.to_str().unwrap()])).unwrap_err();
        let text = error_text(&err);
        assert!(text.contains("unknown field `mch_id`"), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }

    // Proves --mock takes the built-in identity and ignores identity flags, keeping the base URL.
    #[test]
    fn mock_identity() {
        let s = Settings::resolve(&args(&[
            "--mock",
            "--mchid",
            "123",
            "--base-url",
            "http://127.0.0.1:1",
        ]))
        .unwrap();
        assert_eq!(s.mchid.as_deref(), Some(mock_id::SP_MCHID));
        assert_eq!(s.base_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(s.signer().unwrap().serial().as_str(), mock_id::MERCHANT_CERT_SERIAL);
        assert_eq!(s.local_verifier().unwrap().keys().count(), 2);
        assert_eq!(s.api_v3_key().unwrap().expose_secret(), mock_id::APIV3_KEY.as_bytes());
    }

    fn error_text(e: &CliError) -> String {
        crate::error::chain(e)
    }
}
