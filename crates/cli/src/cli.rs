//! The command line: global configuration flags (each with its `WXPAY_*` variable) and the
//! subcommands.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

use crate::secret::Secret;

/// The WeChat Pay APIv3 command line: platform certificates, signatures, callbacks, signed
/// calls, bills and the mock server.
///
/// Configuration: flags, WXPAY_* environment variables, or a TOML profile
/// (--profile NAME in ~/.config/wxpay/profiles.toml, or --config FILE). --mock uses the mock
/// server's built-in TEST ONLY identity. See docs/cli.md.
#[derive(Debug, Parser)]
#[command(name = "wxpay", version)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Who calls, where, and how responses are verified.
#[derive(Debug, Args)]
#[command(next_help_heading = "Configuration (any command)")]
pub(crate) struct GlobalArgs {
    /// Merchant id that signs requests (the platform's own mchid).
    #[arg(long, env = "WXPAY_MCHID", global = true, value_name = "MCHID")]
    pub(crate) mchid: Option<String>,
    /// Serial of the merchant API certificate (apiclient_cert.pem).
    #[arg(long, env = "WXPAY_SERIAL", global = true, value_name = "SERIAL")]
    pub(crate) serial: Option<String>,
    /// Merchant API private key file (apiclient_key.pem).
    #[arg(long, env = "WXPAY_PRIVATE_KEY", global = true, value_name = "PATH")]
    pub(crate) private_key: Option<PathBuf>,
    /// APIv3 key, 32 characters. Prefer WXPAY_APIV3_KEY or a profile: arguments show in `ps`.
    #[arg(
        long = "apiv3-key",
        env = "WXPAY_APIV3_KEY",
        hide_env_values = true,
        global = true,
        value_name = "KEY"
    )]
    pub(crate) apiv3_key: Option<Secret>,
    /// API origin [default: https://api.mch.weixin.qq.com; with --mock http://127.0.0.1:9966].
    #[arg(long, env = "WXPAY_BASE_URL", global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// WeChat Pay public key file (pub_key.pem), for public-key mode.
    #[arg(long, env = "WXPAY_PUBLIC_KEY", global = true, value_name = "PATH")]
    pub(crate) public_key: Option<PathBuf>,
    /// Id of the WeChat Pay public key (PUB_KEY_ID_…).
    #[arg(long, env = "WXPAY_PUBLIC_KEY_ID", global = true, value_name = "ID")]
    pub(crate) public_key_id: Option<String>,
    /// Platform certificate PEM, or a folder of them (what `wxpay certificates` writes).
    #[arg(long, env = "WXPAY_PLATFORM_CERT", global = true, value_name = "PATH")]
    pub(crate) platform_cert: Option<PathBuf>,
    /// How WeChat Pay's signatures are verified [default: public-key when a public key is
    /// configured, else certificate]. For `wxpay mock`: the built-in tenant's key mode.
    #[arg(long, env = "WXPAY_KEY_MODE", global = true, value_enum)]
    pub(crate) key_mode: Option<KeyModeArg>,
    /// Profile to read from the profile file [default: `default`, when the file has one].
    #[arg(long, env = "WXPAY_PROFILE", global = true, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Profile file [default: ~/.config/wxpay/profiles.toml].
    #[arg(long, env = "WXPAY_CONFIG", global = true, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Use the mock server's built-in TEST ONLY identity (merchant 1900000100) against
    /// --base-url.
    #[arg(long, global = true)]
    pub(crate) mock: bool,
    /// Seconds one exchange may take.
    #[arg(long, env = "WXPAY_TIMEOUT", global = true, default_value_t = 30, value_name = "SECS")]
    pub(crate) timeout: u64,
    /// Log filter for the SDK's logs on stderr (error, warn, info, debug, trace).
    #[arg(long, env = "WXPAY_LOG", global = true, value_name = "FILTER")]
    pub(crate) log: Option<String>,
}

/// How WeChat Pay's signatures are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum KeyModeArg {
    /// Platform certificates, downloaded from /v3/certificates (needs the APIv3 key).
    Certificate,
    /// The WeChat Pay public key (needs --public-key and --public-key-id).
    PublicKey,
    /// Both, during a migration (needs the public key and the APIv3 key).
    Mixed,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Download, verify and decrypt the platform certificates; save each as <SERIAL>.pem.
    Certificates(CertificatesArgs),
    /// Sign a request from its parts: prints the canonical message and the Authorization header.
    Sign(SignArgs),
    /// Verify a response or callback signature from its parts: prints OK or why not.
    Verify(VerifyArgs),
    /// Callbacks (回调通知).
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// Any signed APIv3 call: response verified, JSON on stdout, status on stderr.
    Request(RequestArgs),
    /// Bills (账单).
    #[command(subcommand)]
    Bill(BillCommand),
    /// Run the mock server in the foreground (like the wechatpay-mock binary).
    Mock(MockArgs),
}

/// `wxpay certificates`.
#[derive(Debug, Args)]
pub(crate) struct CertificatesArgs {
    /// Folder to write <SERIAL>.pem files to (created if missing).
    #[arg(long, short, default_value = ".", value_name = "DIR")]
    pub(crate) out: PathBuf,
}

/// `wxpay sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// HTTP method (GET, POST, PUT, PATCH, DELETE).
    pub(crate) method: String,
    /// Request target exactly as sent: path plus ?query, percent-encoded.
    pub(crate) url: String,
    /// Body: the text itself, @FILE for a file's exact bytes, @- for stdin [default: empty].
    #[arg(long, value_name = "BODY|@FILE")]
    pub(crate) body: Option<String>,
    /// Unix seconds to sign with [default: now].
    #[arg(long, value_name = "UNIX")]
    pub(crate) timestamp: Option<i64>,
    /// Nonce to sign with [default: 32 random letters and digits].
    #[arg(long)]
    pub(crate) nonce: Option<String>,
}

/// `wxpay verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Saved headers (`Name: value` lines or a JSON object) to take the Wechatpay-* values
    /// from; the flags below override them.
    #[arg(long, value_name = "FILE")]
    pub(crate) headers: Option<PathBuf>,
    /// Wechatpay-Timestamp.
    #[arg(long, value_name = "UNIX")]
    pub(crate) timestamp: Option<String>,
    /// Wechatpay-Nonce.
    #[arg(long)]
    pub(crate) nonce: Option<String>,
    /// Wechatpay-Serial: a platform certificate serial or PUB_KEY_ID_….
    #[arg(long)]
    pub(crate) serial: Option<String>,
    /// Wechatpay-Signature (base64).
    #[arg(long)]
    pub(crate) signature: Option<String>,
    /// Wechatpay-Signature-Type, if sent.
    #[arg(long)]
    pub(crate) signature_type: Option<String>,
    /// The raw body: the text itself, @FILE, or @- [default: empty, as for a 204].
    #[arg(long, value_name = "BODY|@FILE")]
    pub(crate) body: Option<String>,
    /// Check the ±300 s window at this unix time [default: now].
    #[arg(long, value_name = "UNIX")]
    pub(crate) now: Option<i64>,
}

/// `wxpay notify …`.
#[derive(Debug, Subcommand)]
pub(crate) enum NotifyCommand {
    /// Verify and decrypt a saved callback; prints its event type and decrypted resource.
    Decrypt(NotifyDecryptArgs),
}

/// `wxpay notify decrypt`.
#[derive(Debug, Args)]
pub(crate) struct NotifyDecryptArgs {
    /// The callback's headers: `Name: value` lines or a JSON object.
    #[arg(long, value_name = "FILE")]
    pub(crate) headers: PathBuf,
    /// The callback's raw body, byte for byte as received.
    #[arg(long, value_name = "FILE")]
    pub(crate) body: PathBuf,
    /// Skip the ±300 s window (for old captures): the signature and certificate validity
    /// are checked at the callback's own timestamp.
    #[arg(long)]
    pub(crate) no_verify_time: bool,
}

/// `wxpay request`.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// HTTP method.
    pub(crate) method: String,
    /// API path, e.g. /v3/certificates (may carry an already-encoded ?query).
    pub(crate) path: String,
    /// A query parameter, percent-encoded for you; repeat for more.
    #[arg(long = "query", short = 'q', value_name = "KEY=VALUE")]
    pub(crate) query: Vec<String>,
    /// JSON body: the text itself, @FILE or @-; sent byte for byte unless --encrypt is used.
    #[arg(long, value_name = "BODY|@FILE")]
    pub(crate) json: Option<String>,
    /// JSON pointer of a string in the body to RSA-OAEP-encrypt as a sensitive field
    /// (Wechatpay-Serial is then sent); repeat for more.
    #[arg(long, value_name = "POINTER", requires = "json")]
    pub(crate) encrypt: Vec<String>,
    /// Accept a 2xx answer without a signature (only for endpoints WeChat Pay does not sign).
    #[arg(long)]
    pub(crate) unsigned: bool,
}

/// `wxpay bill …`.
#[derive(Debug, Subcommand)]
pub(crate) enum BillCommand {
    /// Apply for a bill, download it, check its SHA-1, gunzip / decrypt it, write the CSV.
    Download(BillDownloadArgs),
}

/// Which bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BillKind {
    /// Trade bill, GET /v3/bill/tradebill (交易账单).
    Trade,
    /// The platform's fund-flow bill, GET /v3/bill/fundflowbill (资金账单).
    FundFlow,
    /// Every sub-merchant's fund-flow bill, encrypted, GET /v3/ecommerce/bill/fundflowbill
    /// (二级商户资金账单).
    EcommerceFundFlow,
}

/// `wxpay bill download`.
#[derive(Debug, Args)]
pub(crate) struct BillDownloadArgs {
    /// The bill's day, YYYY-MM-DD (within 3 months; ready from 10:00 the next day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) date: String,
    /// Which bill.
    #[arg(long, value_enum, default_value_t = BillKind::Trade)]
    pub(crate) kind: BillKind,
    /// Trade bill records: ALL, SUCCESS or REFUND [WeChat Pay's default: ALL].
    #[arg(long, value_name = "TYPE")]
    pub(crate) bill_type: Option<String>,
    /// Trade bill of one sub-merchant (二级商户号) instead of the platform's.
    #[arg(long, value_name = "MCHID")]
    pub(crate) sub_mchid: Option<String>,
    /// Fund-flow account: BASIC, OPERATION or FEES [WeChat Pay's default: BASIC]; the
    /// e-commerce bill only takes ALL (sent for you).
    #[arg(long, value_name = "TYPE")]
    pub(crate) account_type: Option<String>,
    /// Ask for a gzip-compressed file (smaller download); it is gunzipped before writing.
    #[arg(long)]
    pub(crate) gzip: bool,
    /// Output CSV file [default: tradebill-<date>.csv, fundflowbill-<date>.csv or
    /// ecommerce-fundflowbill-<date>.csv].
    #[arg(long, short, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// The most bytes one file may have as downloaded.
    #[arg(long, default_value_t = 1 << 30, value_name = "BYTES")]
    pub(crate) max_bytes: u64,
    /// No progress bar.
    #[arg(long)]
    pub(crate) quiet: bool,
}

/// `wxpay mock`.
#[derive(Debug, Args)]
pub(crate) struct MockArgs {
    /// Address to listen on. A non-loopback address requires --admin-token.
    #[arg(long, env = "WECHATPAY_MOCK_ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub(crate) addr: IpAddr,
    /// Port; 0 picks a free one (printed at start).
    #[arg(long, env = "WECHATPAY_MOCK_PORT", default_value_t = 9966)]
    pub(crate) port: u16,
    /// The mock's TOML configuration (tenants, key modes, timing), see docs/mock-server.md.
    #[arg(long, env = "WECHATPAY_MOCK_CONFIG", value_name = "FILE")]
    pub(crate) mock_config: Option<PathBuf>,
    /// Token the admin API requires (Authorization: Bearer …).
    #[arg(long, env = "WECHATPAY_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    pub(crate) admin_token: Option<Secret>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    // Proves the clap definition is consistent (no clashing flags between global and local).
    #[test]
    fn definition_is_valid() {
        Cli::command().debug_assert();
    }
}
