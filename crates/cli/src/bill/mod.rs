//! `wxpay bill`: what is CLI-specific about bills, i.e. turning the command-line options into
//! a bill application ([`apply`]). Downloading, gunzip, SHA-1, decryption and the `.part`
//! file are the `wechatpay-bill` crate's; commands/bill.rs wires them to a progress bar.

pub(crate) mod apply;

/// What went wrong with a bill.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BillError {
    /// `--date` is not a date.
    #[error("invalid bill date `{0}`, expected YYYY-MM-DD")]
    Date(String),
    /// An option that this kind of bill does not take.
    #[error("{option} does not apply to the {kind} bill")]
    Option { option: &'static str, kind: &'static str },
    /// Downloading, checking or decrypting the file failed.
    #[error(transparent)]
    File(wechatpay_bill::BillError),
}

impl BillError {
    /// What to do about it.
    pub(crate) fn hint(&self) -> Option<String> {
        use wechatpay_bill::BillError as F;
        Some(match self {
            Self::Date(_) => "e.g. --date 2025-01-31; bills are kept 3 months".into(),
            Self::Option { .. } => {
                "see `wxpay bill download --help` for the options of each --kind".into()
            }
            Self::File(F::HashMismatch { .. }) => {
                "the file was not kept; download again (download URLs are valid 5 minutes)".into()
            }
            Self::File(F::Gunzip { .. }) => {
                "the download was cut short or is not gzip; download again, or without --gzip"
                    .into()
            }
            Self::File(F::FileKey { .. } | F::FileKeyLength { .. }) => {
                "encrypt_key is encrypted to the merchant API certificate: check --private-key"
                    .into()
            }
            Self::File(F::Decrypt { .. }) => {
                "the file is damaged or was cut short; download again".into()
            }
            Self::File(F::Download { .. }) => {
                "download URLs are valid 5 minutes: run the command again".into()
            }
            Self::File(_) => return None,
        })
    }
}
