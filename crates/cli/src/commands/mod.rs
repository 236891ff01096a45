//! One module per command. Each reads what it needs from the [`Settings`], prints its result
//! on stdout (and progress or status on stderr), and returns a [`CliError`] otherwise.

mod bill;
mod certificates;
mod mock;
mod notify;
mod request;
mod sign;
mod verify;

use crate::cli::{BillCommand, Command, NotifyCommand};
use crate::config::Settings;
use crate::error::CliError;

/// Runs a command.
pub(crate) async fn run(command: &Command, settings: &Settings) -> Result<(), CliError> {
    match command {
        Command::Certificates(args) => certificates::run(args, settings).await,
        Command::Sign(args) => sign::run(args, settings),
        Command::Verify(args) => verify::run(args, settings),
        Command::Notify(NotifyCommand::Decrypt(args)) => notify::decrypt(args, settings),
        Command::Request(args) => request::run(args, settings).await,
        Command::Bill(BillCommand::Download(args)) => bill::download(args, settings).await,
        Command::Mock(args) => mock::run(args, settings).await,
    }
}

/// Wraps a transport error with the request it belongs to.
pub(crate) fn transport_error(
    method: &str,
    path: &str,
) -> impl FnOnce(wechatpay_transport::Error) -> CliError {
    let request = format!("{method} {path}");
    move |source| CliError::Transport { request, source: Box::new(source) }
}
