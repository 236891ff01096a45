//! Every way a `wxpay` run fails, and the hint printed under the error line.

use std::path::PathBuf;

use wechatpay_transport::{ApiError, ConfigError, VerifyError};

use crate::bill::BillError;
use crate::config::{Settings, Source};
use crate::escape::escape;

/// A setting that a command needs and nobody gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    Mchid,
    Serial,
    PrivateKey,
    ApiV3Key,
    PublicKey,
    PublicKeyId,
    VerificationKey,
}

impl Setting {
    /// (what, flag, variable, profile key)
    fn names(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Self::Mchid => ("merchant id", "--mchid", "WXPAY_MCHID", "mchid"),
            Self::Serial => ("merchant certificate serial", "--serial", "WXPAY_SERIAL", "serial"),
            Self::PrivateKey => {
                ("merchant private key", "--private-key", "WXPAY_PRIVATE_KEY", "private_key")
            }
            Self::ApiV3Key => ("APIv3 key", "--apiv3-key", "WXPAY_APIV3_KEY", "apiv3_key"),
            Self::PublicKey => {
                ("WeChat Pay public key", "--public-key", "WXPAY_PUBLIC_KEY", "public_key")
            }
            Self::PublicKeyId => (
                "WeChat Pay public key id",
                "--public-key-id",
                "WXPAY_PUBLIC_KEY_ID",
                "public_key_id",
            ),
            Self::VerificationKey => (
                "platform certificate or WeChat Pay public key to verify with",
                "--platform-cert (or --public-key with --public-key-id)",
                "WXPAY_PLATFORM_CERT",
                "platform_cert",
            ),
        }
    }
}

/// Why a run failed. `Display` says what happened in a few words and does not repeat the
/// source; the report joins the chain on one line.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A required setting is missing.
    #[error("no {}: pass {}, set {}, or add `{}` to a profile", .0.names().0, .0.names().1, .0.names().2, .0.names().3)]
    Missing(Setting),
    /// A file could not be read.
    #[error("cannot read {what} `{}`", path.display())]
    Read {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A key or certificate file did not load.
    #[error("invalid {what} `{label}`")]
    Key {
        what: &'static str,
        label: String,
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// A value was rejected by the crypto crate.
    #[error("invalid {what}")]
    Crypto {
        what: &'static str,
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// The profile file is unreadable, invalid, or lacks the profile asked for.
    #[error("profile file `{}` {reason}", path.display())]
    Profile { path: PathBuf, reason: String },
    /// A headers file line is not a header.
    #[error("headers file `{}` {reason}", path.display())]
    HeadersFile { path: PathBuf, reason: String },
    /// An argument is wrong in a way clap cannot see.
    #[error("{0}")]
    Usage(String),
    /// The transport refused the settings.
    #[error("invalid settings")]
    Config(#[source] ConfigError),
    /// An API call failed.
    #[error("{request}: {}", transport_summary(.source))]
    Transport {
        /// The request, as `METHOD path`.
        request: String,
        #[source]
        source: Box<wechatpay_transport::Error>,
    },
    /// A signature did not verify (`wxpay verify`).
    #[error("Wechatpay-Signature rejected")]
    Signature {
        /// What the keys given trust, for the hint.
        trusted: Vec<String>,
        /// Whether the body ends with a newline (often added by an editor).
        body_ends_with_newline: bool,
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// A callback was refused (`wxpay notify decrypt`).
    #[error("saved callback")]
    Notify {
        trusted: Vec<String>,
        body_ends_with_newline: bool,
        #[source]
        source: wechatpay_notify::Error,
    },
    /// A bill could not be downloaded or checked.
    #[error("bill download failed")]
    Bill(#[source] BillError),
    /// The mock server could not start or stopped with an error.
    #[error("the mock server failed")]
    Mock(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// An API error gets its `detail` (field and issue) on the same line: that is usually the
/// part that says what to fix.
fn transport_summary(e: &wechatpay_transport::Error) -> String {
    match e {
        wechatpay_transport::Error::Api(api) => {
            let mut s = api.to_string();
            if let Some(detail) = api.detail() {
                if let Some(field) = &detail.field {
                    s.push_str(&format!("; field {field}"));
                }
                if let Some(issue) = &detail.issue {
                    s.push_str(&format!("; {issue}"));
                }
            }
            s
        }
        other => other.to_string(),
    }
}

impl CliError {
    /// A key file that did not load.
    pub(crate) fn key(what: &'static str, source: &Source, e: wechatpay_crypto::Error) -> Self {
        Self::Key { what, label: source.label(), source: e }
    }

    /// Says what to do about it, when there is something useful to say.
    pub(crate) fn hint(&self, settings: Option<&Settings>) -> Option<String> {
        match self {
            Self::Missing(_) => Some(match settings.and_then(|s| s.profile.as_deref()) {
                Some(profile) => format!("profile `{profile}` does not set it either; `--mock` uses the mock server's built-in test identity"),
                None => "see `wxpay --help` or docs/cli.md; `--mock` uses the mock server's built-in test identity".into(),
            }),
            Self::Read { what, .. } if what.contains("key") || what.contains("certificate") => {
                Some(format!("check the path of the {what}; relative paths in a profile are taken from the profile file's folder"))
            }
            Self::Key { source, .. } => Some(crypto_hint(source, &[])),
            Self::Crypto { what: "APIv3 key", .. } => Some(
                "the APIv3 key is the 32-character key set in the merchant platform (API安全 → APIv3密钥)".into(),
            ),
            Self::Profile { .. } => Some(
                "a profile file holds [name] tables of mchid, serial, private_key, apiv3_key, base_url, public_key, public_key_id, platform_cert, key_mode, mock (docs/cli.md)".into(),
            ),
            Self::HeadersFile { .. } => Some(
                "write one `Name: value` per line (Wechatpay-Timestamp, Wechatpay-Nonce, Wechatpay-Serial, Wechatpay-Signature), or a JSON object".into(),
            ),
            Self::Config(ConfigError::InvalidBaseUrl { .. }) => Some(
                "use an origin such as https://api.mch.weixin.qq.com; plain http only for loopback (a local mock server)".into(),
            ),
            Self::Config(ConfigError::MerchantKeyAsVerificationKey { .. }) => Some(
                "the platform certificate / public key is WeChat Pay's, not your apiclient_cert.pem".into(),
            ),
            Self::Transport { source, request } => transport_hint(source, request, settings),
            Self::Signature { trusted, body_ends_with_newline, source } => {
                let mut h = crypto_hint(source, trusted);
                if *body_ends_with_newline && matches!(source, wechatpay_crypto::Error::BadSignature) {
                    h.push_str("; the body ends with a newline: if an editor added it, the bytes are not the ones signed");
                }
                Some(h)
            }
            Self::Notify { trusted, body_ends_with_newline, source } => {
                notify_hint(source, trusted, *body_ends_with_newline)
            }
            Self::Bill(e) => e.hint(),
            Self::Write { .. } | Self::Read { .. } | Self::Crypto { .. } | Self::Usage(_)
            | Self::Config(_) | Self::Mock(_) => None,
        }
    }
}

/// The error and its sources, joined by `: ` (one line in the report).
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let text = s.to_string();
        // A transport error's summary already carries its API error's text.
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = s.source();
    }
    out
}

fn crypto_hint(e: &wechatpay_crypto::Error, trusted: &[String]) -> String {
    use wechatpay_crypto::Error as E;
    match e {
        E::UnknownSerial(serial) => format!(
            "`{serial}` is not among the keys given ({}); run `wxpay certificates` to download the current platform certificates, or pass the public key for a PUB_KEY_ID_ serial",
            list(trusted)
        ),
        E::BadSignature => "the signature does not match this message under that key: the body must be the raw bytes received (re-serialised JSON never verifies), and timestamp / nonce exactly as sent".into(),
        E::TimestampExpired { .. } | E::TimestampInFuture { .. } => {
            "WeChat Pay allows ±300 s; for an old capture pass --now <its timestamp> (notify: --no-verify-time), or check this machine's clock".into()
        }
        E::SignTestProbe => "WeChat Pay sends WECHATPAY/SIGNTEST/ signatures on purpose, to check that you reject them: rejecting it is right".into(),
        E::CertificateExpired { .. } | E::CertificateNotYetValid { .. } => {
            "run `wxpay certificates` for the current platform certificates, or pass --now inside the certificate's validity".into()
        }
        E::SignatureEncoding => "the signature must be the base64 Wechatpay-Signature header, copied whole".into(),
        E::EncryptedPrivateKey => "export the key without a password: openssl pkcs8 -topk8 -nocrypt -in key.pem -out apiclient_key.pem".into(),
        E::NotPem(_) | E::UnexpectedPemLabel { .. } => {
            "expected a PEM file: apiclient_key.pem (PRIVATE KEY), a platform certificate (CERTIFICATE) or pub_key.pem (PUBLIC KEY)".into()
        }
        E::InvalidPublicKeyId(_) => "the public key id is shown next to the key in the merchant platform: PUB_KEY_ID_…".into(),
        E::AeadAuthentication => "AES-GCM did not authenticate: usually a wrong APIv3 key".into(),
        _ => "see docs/cli.md".into(),
    }
}

fn notify_hint(e: &wechatpay_notify::Error, trusted: &[String], newline: bool) -> Option<String> {
    use wechatpay_notify::Error as E;
    Some(match e {
        E::Signature(source) => {
            let mut h = crypto_hint(source, trusted);
            if newline && matches!(source, wechatpay_crypto::Error::BadSignature) {
                h.push_str("; the body file ends with a newline: if an editor added it, remove it");
            }
            h
        }
        E::Decrypt(_) => {
            "the signature is valid but the resource does not decrypt: the APIv3 key is wrong".into()
        }
        E::MissingHeader(_) | E::MalformedHeader { .. } => {
            "the headers file needs Wechatpay-Timestamp, -Nonce, -Serial and -Signature exactly as received".into()
        }
        E::Envelope(_) => "the body file must be the callback's raw JSON body, byte for byte".into(),
        _ => return None,
    })
}

fn transport_hint(
    e: &wechatpay_transport::Error,
    request: &str,
    settings: Option<&Settings>,
) -> Option<String> {
    use wechatpay_transport::Error as E;
    match e {
        E::Api(api) => api_hint(api, request, settings),
        E::Verify(VerifyError::PlatformCertificate { source, .. }) => Some(crypto_hint(source, &[])),
        E::Verify(VerifyError::InvalidSignature { status, .. })
            if *status == http::StatusCode::UNAUTHORIZED =>
        {
            // Most likely SIGN_ERROR, answered while no platform certificate was trusted
            // yet, so the answer itself could not be checked.
            Some(format!(
                "the answer was HTTP 401, most likely SIGN_ERROR, and could not be verified because no platform certificate is trusted yet; {}; pass --platform-cert to read WeChat Pay's reason",
                who_signed(settings)
            ))
        }
        E::Verify(VerifyError::InvalidSignature { source, .. }) => {
            let trusted = settings
                .and_then(|s| s.local_verifier().ok())
                .map(|v| v.keys().map(|k| k.serial().to_string()).collect::<Vec<_>>())
                .unwrap_or_default();
            Some(crypto_hint(source, &trusted))
        }
        E::Verify(VerifyError::NoPlatformCertificates) => Some(
            "/v3/certificates listed no certificate: the merchant (or mock tenant) may be in public-key mode; pass --public-key and --public-key-id (with --mock: --key-mode public-key)".into(),
        ),
        E::Verify(VerifyError::MissingSignature { .. }) => Some(
            "the answer is not signed: is the base URL WeChat Pay's (or the mock's)? For endpoints that are not signed, pass --unsigned".into(),
        ),
        E::Dispatch(d) if d.kind() == wechatpay_transport::DispatchErrorKind::Connect => {
            let url = settings.and_then(|s| s.base_url.clone()).unwrap_or_else(|| {
                wechatpay_transport::DEFAULT_BASE_URL.to_owned()
            });
            Some(format!("nothing answered at {url}; with --mock, start a mock first (`wxpay mock`)"))
        }
        _ => None,
    }
}

fn api_hint(api: &ApiError, request: &str, settings: Option<&Settings>) -> Option<String> {
    match api.code()? {
        "SIGN_ERROR" => {
            let who = who_signed(settings);
            let checked = sign_information(api)
                .map(|m| format!("; WeChat Pay checked the message `{m}`"))
                .unwrap_or_default();
            Some(format!(
                "{who}{checked}; the serial must be that of the API certificate of this key, and `wxpay sign` shows the message for a given timestamp and nonce"
            ))
        }
        "NO_STATEMENT_EXIST" => Some(
            "no bill for that day: bills are ready from 10:00 the next day and kept 3 months".into(),
        ),
        "STATEMENT_CREATING" => Some("the bill is being generated; try again in a few minutes".into()),
        "RESOURCE_NOT_EXISTS" | "NOT_FOUND" => Some(format!(
            "the server has no such API or object at `{request}` (the mock serves the paths listed in docs/mock-server.md)"
        )),
        "PARAM_ERROR" | "INVALID_REQUEST" => {
            Some("detail.field names the offending member; compare with fixtures/api/endpoints.json".into())
        }
        "NO_AUTH" => Some("the merchant lacks this product or permission in the merchant platform".into()),
        "FREQUENCY_LIMITED" | "SYSTEM_ERROR" => Some("retry later with the same request".into()),
        _ => None,
    }
}

/// Which identity signed, for `SIGN_ERROR` hints.
fn who_signed(settings: Option<&Settings>) -> String {
    settings.map_or_else(String::new, |s| {
        format!(
            "signed as mchid {} with merchant serial {} and key {}",
            s.mchid.as_deref().unwrap_or("?"),
            s.serial.as_deref().unwrap_or("?"),
            s.private_key.as_ref().map_or_else(|| "?".to_owned(), Source::label)
        )
    })
}

/// `detail.sign_information.truncated_sign_message`, which WeChat Pay (and the mock) send
/// with `SIGN_ERROR`: the message it verified.
fn sign_information(api: &ApiError) -> Option<String> {
    let info = api.detail()?.other.get("sign_information")?;
    let message = info.get("truncated_sign_message")?.as_str()?;
    Some(escape(message.as_bytes()))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
