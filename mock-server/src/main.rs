//! `wechatpay-mock`: the WeChat Pay APIv3 平台收付通 mock server as a command.
//!
//! `cargo run -p wechatpay-mock -- --help`; docs/mock-server.md explains every option.
#![forbid(unsafe_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use wechatpay_mock::config::KeyMode;
use wechatpay_mock::error::Secret;
use wechatpay_mock::{serve, Credentials, MockConfig, MockState};

/// The default port (not 8848, which Nacos, common among WeChat Pay users, takes).
const DEFAULT_PORT: u16 = 9966;

/// A local WeChat Pay APIv3 平台收付通 sandbox (TEST ONLY keys; never real credentials).
#[derive(Debug, Parser)]
#[command(name = "wechatpay-mock", version, about)]
struct Cli {
    /// Address to listen on. A non-loopback address requires --admin-token.
    #[arg(long, env = "WECHATPAY_MOCK_ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    addr: IpAddr,
    /// Port; 0 picks a free one (printed at start).
    #[arg(long, env = "WECHATPAY_MOCK_PORT", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// TOML configuration: tenants, key modes, timing, limits.
    #[arg(long, env = "WECHATPAY_MOCK_CONFIG")]
    config: Option<PathBuf>,
    /// Key mode of the built-in tenant: certificate | public-key | mixed.
    #[arg(long, env = "WECHATPAY_MOCK_KEY_MODE")]
    key_mode: Option<KeyMode>,
    /// Log filter (error, warn, info, debug, trace, or a tracing filter directive).
    #[arg(long, env = "WECHATPAY_MOCK_LOG", default_value = "info")]
    log_level: String,
    /// Token the admin API requires (Authorization: Bearer …).
    #[arg(long, env = "WECHATPAY_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Folder to write the built-in key files to (default: a folder under the system temp dir).
    #[arg(long, env = "WECHATPAY_MOCK_KEYS_DIR")]
    keys_dir: Option<PathBuf>,
    /// Keep state durably in this folder: every acknowledged write survives a crash and a
    /// restart (a write-ahead journal, replayed at start). Default: in memory only.
    #[arg(long, env = "WECHATPAY_MOCK_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wechatpay-mock: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wechatpay-mock: {e}");
            let mut source = e.source();
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let mut config = match &cli.config {
        Some(path) => MockConfig::from_file(path)?,
        None => MockConfig::default(),
    };
    if let Some(token) = &cli.admin_token {
        config.admin_token = Some(Secret::new(token.clone()));
    }
    if let Some(mode) = cli.key_mode {
        match config.tenants.iter_mut().find(|t| t.mchid == wechatpay_mock::identity::SP_MCHID) {
            Some(t) => t.key_mode = mode,
            None => config.tenants.insert(
                0,
                wechatpay_mock::TenantConfig {
                    key_mode: mode,
                    ..wechatpay_mock::TenantConfig::builtin()
                },
            ),
        }
    }
    wechatpay_mock::process::check_admin_exposure(cli.addr, config.admin_token.is_some())?;
    if let Some(dir) = &cli.data_dir {
        config.data_dir = Some(dir.clone());
    }
    let state = match &config.data_dir {
        None => MockState::new(&config)?,
        Some(dir) => {
            let (state, r) = wechatpay_mock::persist::open(&config, dir, None).await?;
            tracing::info!(
                target: "wechatpay_mock::persist",
                records = r.records, torn_bytes = r.torn_bytes, diverged = r.diverged,
                requeued_deliveries = r.requeued_deliveries, millis = r.millis,
                "state replayed from {}", dir.display()
            );
            state
        }
    };
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(cli.addr, cli.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", cli.addr, cli.port))?;
    let addr = listener.local_addr()?;
    let keys_dir = cli
        .keys_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("wechatpay-mock-{}", addr.port())));
    print_banner(&state, addr, &keys_dir)?;
    serve(listener, state.clone(), wechatpay_mock::process::shutdown_signal()).await?;
    if let Some(p) = state.persist() {
        p.close();
        let stats = p.stats();
        tracing::info!(target: "wechatpay_mock::persist", records = stats.records, fsyncs = stats.syncs, "journal closed");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Writes a tenant's client-side files and returns `(label, path)` pairs.
fn write_files(dir: &Path, id: &Credentials) -> std::io::Result<Vec<(&'static str, PathBuf)>> {
    let dir = dir.join(&id.mchid);
    std::fs::create_dir_all(&dir)?;
    let mut out = Vec::new();
    let mut write = |label: &'static str, name: &str, text: &str| -> std::io::Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        out.push((label, path));
        Ok(())
    };
    if let Some(key) = &id.merchant_private_key_pem {
        write("merchant private key", "apiclient_key.pem", key)?;
    }
    write("merchant certificate", "apiclient_cert.pem", &id.merchant_certificate_pem)?;
    if let Some(pem) = &id.platform_certificate_pem {
        write("platform certificate", "wechatpay_platform_cert.pem", pem)?;
    }
    if let Some(pem) = &id.public_key_pem {
        write("WeChat Pay public key", "pub_key.pem", pem)?;
    }
    Ok(out)
}

fn print_banner(state: &MockState, addr: SocketAddr, keys_dir: &Path) -> std::io::Result<()> {
    let host = if addr.ip().is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { addr.ip() };
    let base = format!("http://{}", SocketAddr::new(host, addr.port()));
    println!("WeChat Pay mock (TEST ONLY keys — never real credentials)");
    println!("  base URL      {base}");
    println!("  admin API     {base}{}", wechatpay_mock::ADMIN_PREFIX);
    println!("  timing        {}", state.timing().as_str());
    match state.persist() {
        Some(p) => println!("  state         durable: {}", p.journal_path().display()),
        None => println!("  state         in memory (--data-dir DIR keeps it)"),
    }
    for tenant in state.tenants().iter() {
        let id = tenant.credentials();
        println!();
        println!("  tenant {}  (key mode {})", id.mchid, id.key_mode.as_str());
        println!("    merchant serial      {}", id.merchant_serial);
        if let Some(s) = &id.platform_serial {
            println!("    platform serial      {s}");
        }
        if let Some(s) = &id.public_key_id {
            println!("    public key id        {s}");
        }
        println!("    APIv3 key            {}", &*id.apiv3_key);
        println!("    sub-merchants        {}", id.sub_mchids.join(", "));
        println!("    app ids              {}", id.appids.join(", "));
        for (label, path) in write_files(keys_dir, id)? {
            println!("    {label:<20} {}", path.display());
        }
    }
    println!();
    Ok(())
}
