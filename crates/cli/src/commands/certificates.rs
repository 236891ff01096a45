//! `wxpay certificates`: `GET /v3/certificates` through the transport, which decrypts every
//! certificate with the APIv3 key and verifies the answer with the certificates it carries
//! (the bootstrap), exactly as API calls do; then each is saved as `<SERIAL>.pem`.

use std::path::Path;

use wechatpay_crypto::{Certificate, TrustedKey};
use wechatpay_models::time::DateTime;

use super::transport_error;
use crate::cli::CertificatesArgs;
use crate::config::Settings;
use crate::error::CliError;

/// Downloads, verifies, decrypts and saves the platform certificates.
pub(crate) async fn run(args: &CertificatesArgs, settings: &Settings) -> Result<(), CliError> {
    // Nothing seeded: every certificate printed was downloaded and verified now. In
    // public-key mode the answer is signed with the public key, so mixed mode is used to
    // trust it while still downloading certificates.
    let transport = settings.transport(false)?;
    if !transport.key_store().downloads_certificates() {
        return Err(CliError::Usage(
            "public-key mode downloads no platform certificates; use --key-mode mixed to fetch them alongside the public key".into(),
        ));
    }
    transport.refresh_certificates().await.map_err(transport_error("GET", "/v3/certificates"))?;
    let snapshot = transport.key_store().snapshot();
    let mut certs: Vec<&Certificate> = snapshot
        .keys()
        .filter_map(|k| match k {
            TrustedKey::Certificate(c) => Some(c),
            TrustedKey::PublicKey(_) => None,
        })
        .collect();
    certs.sort_by_key(|c| c.not_before());
    if certs.is_empty() {
        return Err(CliError::Usage(
            "/v3/certificates listed no valid certificate: the merchant may be in public-key mode (pass --public-key and --public-key-id)".into(),
        ));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|source| CliError::Write { path: args.out.clone(), source })?;
    for cert in certs {
        let path = save(&args.out, cert)?;
        println!(
            "{}  valid {} .. {}  {}",
            cert.serial(),
            show_time(cert.not_before()),
            show_time(cert.not_after()),
            path.display()
        );
    }
    Ok(())
}

/// Writes `<out>/<SERIAL>.pem`.
fn save(out: &Path, cert: &Certificate) -> Result<std::path::PathBuf, CliError> {
    let path = out.join(format!("{}.pem", cert.serial()));
    std::fs::write(&path, cert.pem())
        .map_err(|source| CliError::Write { path: path.clone(), source })?;
    Ok(path)
}

/// Unix seconds as WeChat Pay writes times (RFC 3339, +08:00).
pub(crate) fn show_time(unix: i64) -> String {
    DateTime::from_unix(unix).map_or_else(|_| unix.to_string(), |t| t.to_string())
}
