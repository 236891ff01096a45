//! `wxpay bill download`: apply, then let `wechatpay-bill` download each file (gunzip,
//! SHA-1, decryption, `.part` file renamed only once every digest matched) while a progress
//! bar follows it.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wechatpay_bill::{
    ApplyEcommerceFundFlowBill, ApplyFundFlowBill, ApplyTradeBill, DownloadOptions, Progress,
};

use super::transport_error;
use crate::bill::apply::{application, Application, ApplyOptions};
use crate::bill::BillError;
use crate::cli::BillDownloadArgs;
use crate::config::Settings;
use crate::error::CliError;

/// Downloads one bill into a CSV file.
pub(crate) async fn download(args: &BillDownloadArgs, settings: &Settings) -> Result<(), CliError> {
    let opts = ApplyOptions {
        bill_type: args.bill_type.as_deref(),
        sub_mchid: args.sub_mchid.as_deref(),
        account_type: args.account_type.as_deref(),
        gzip: args.gzip,
    };
    let app = application(args.kind, &args.date, &opts).map_err(CliError::Bill)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}-{}.csv", args.kind.name(), args.date)));
    let transport = settings.transport(true)?;
    let options = DownloadOptions {
        gzip: args.gzip,
        max_bytes: args.max_bytes,
        max_encrypted_bytes: args.max_bytes,
    };
    let mut bars = Bars { quiet: args.quiet, name: args.kind.name(), bar: None };
    let mut progress = |p: Progress| bars.update(p);
    let failed = transport_error("GET", app.path());
    let verified = match &app {
        Application::Trade(p) => {
            let info = transport.execute(&ApplyTradeBill::new(p)).await.map_err(failed)?;
            wechatpay_bill::download_to_path(&transport, &info, &options, &out, &mut progress).await
        }
        Application::FundFlow(p) => {
            let info = transport.execute(&ApplyFundFlowBill::new(p)).await.map_err(failed)?;
            wechatpay_bill::download_to_path(&transport, &info, &options, &out, &mut progress).await
        }
        Application::EcommerceFundFlow(p) => {
            let list =
                transport.execute(&ApplyEcommerceFundFlowBill::new(p)).await.map_err(failed)?;
            let key = settings.merchant_key()?;
            wechatpay_bill::download_encrypted_to_path(
                &transport,
                &list,
                &key,
                &options,
                &out,
                &mut progress,
            )
            .await
        }
    };
    bars.finish();
    let verified = verified.map_err(|e| CliError::Bill(BillError::File(e)))?;
    eprintln!("{} {}: {} bytes, SHA-1 verified", args.kind.name(), args.date, verified.bytes());
    println!("{}", out.display());
    Ok(())
}

/// The progress bar when `Content-Length` is known.
const SIZED_TEMPLATE: &str = "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}";
/// The progress bar of a chunked download.
const UNSIZED_TEMPLATE: &str = "{msg} {spinner} {bytes} {bytes_per_sec}";

/// One progress bar per file, drawn on stderr (hidden by indicatif when it is not a terminal).
struct Bars {
    quiet: bool,
    name: &'static str,
    bar: Option<(i64, ProgressBar)>,
}

impl Bars {
    fn update(&mut self, p: Progress) {
        if self.quiet {
            return;
        }
        if self.bar.as_ref().is_none_or(|(seq, _)| *seq != p.sequence) {
            self.finish();
            let bar = ProgressBar::with_draw_target(p.total, ProgressDrawTarget::stderr());
            let template = if p.total.is_some() { SIZED_TEMPLATE } else { UNSIZED_TEMPLATE };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(format!("{} file {}", self.name, p.sequence));
            self.bar = Some((p.sequence, bar));
        }
        if let Some((_, bar)) = &self.bar {
            bar.set_position(p.received);
        }
    }

    fn finish(&mut self) {
        if let Some((_, bar)) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the progress bar templates parse (a bad one would silently fall back to the
    // default style).
    #[test]
    fn templates_parse() {
        for t in [SIZED_TEMPLATE, UNSIZED_TEMPLATE] {
            assert!(ProgressStyle::with_template(t).is_ok(), "{t}");
        }
    }
}
