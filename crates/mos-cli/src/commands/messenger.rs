//! `mos messenger`: the messenger of a deployment, running until Ctrl-C. Its logs go to stderr
//! (`RUST_LOG` sets the level, `info` by default; `--log-format json` for one JSON object a line),
//! with a progress line every few seconds when stderr is a terminal. With `--http`, it serves
//! `/metrics`, `/healthz` and the explorer (`/`, `/api/messages`). With `--status`, what its store
//! holds.

use std::{io::IsTerminal, path::PathBuf, sync::Arc, time::Duration};

use mos_messenger::{
    config::DEFAULT_INSTANCE,
    config_file::{ConfigFile, Settings},
    http::{HttpServer, Served},
    store::{self, Stage},
    Config, Deployment, Messenger, MessengerError,
};
use serde_json::json;

use crate::{commands::deploy::parse_key, CliError, Report};

/// The environment variable that can hold the messenger's key instead of `--key`.
const KEY_ENV: &str = "MOS_MESSENGER_KEY";
/// The environment variable that can name the store instead of `--store`.
const STORE_ENV: &str = "MOS_MESSENGER_STORE";
/// The environment variable that can hold the attesters' keys instead of `--attester-key`.
const ATTESTER_KEYS_ENV: &str = "MOS_ATTESTER_KEYS";

/// Arguments of `mos messenger`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The configuration file (TOML: docs/messenger.md): the deployment, the store, the instance,
    /// where the keys are, the pacing, per-chain RPC URLs and confirmations. With it, the options
    /// below but --status and --retry-failed are not given.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["deployment", "instance", "lease_secs", "poll_ms", "confirmations", "max_block_range", "http"]
    )]
    pub config: Option<PathBuf>,
    /// The deployment file `mos deploy` wrote.
    #[arg(long, value_name = "FILE", default_value = "deployment.json")]
    pub deployment: PathBuf,
    /// Where the messenger records what it has done: a SQLite file (a path, or sqlite://PATH;
    /// created if missing) or a PostgreSQL database (postgres://…, which several instances can
    /// share). Keep it: a messenger restarted with it goes on where it stopped.
    #[arg(long, value_name = "URL", env = STORE_ENV, default_value = "messenger.db")]
    pub store: String,
    /// This instance's name, unique among the instances sharing a store: it holds the leases of
    /// the deliveries it works on.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_INSTANCE)]
    pub instance: String,
    /// Seconds a delivery this instance claimed stays its own without being touched: an instance
    /// killed mid-delivery loses its deliveries to the others after this long.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub lease_secs: u64,
    /// The private key that sends and pays for the deliveries, hex (or set MOS_MESSENGER_KEY).
    #[arg(
        long,
        value_name = "HEX",
        env = KEY_ENV,
        hide_env_values = true,
        required_unless_present_any = ["status", "config"]
    )]
    pub key: Option<String>,
    /// A committee member's key: with a threshold of them the messenger attests the blocks it
    /// proves; repeat for each (or set MOS_ATTESTER_KEYS, comma-separated). Without, it waits
    /// for the committee to attest them.
    #[arg(
        long = "attester-key",
        value_name = "HEX",
        env = ATTESTER_KEYS_ENV,
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub attester_keys: Vec<String>,
    /// Milliseconds to pause after a round that had nothing to move on.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub poll_ms: u64,
    /// Blocks on top of a source block before its messages are carried.
    #[arg(long, default_value_t = 0)]
    pub confirmations: u64,
    /// The most blocks one eth_getLogs asks for.
    #[arg(long, default_value_t = 1000)]
    pub max_block_range: u64,
    /// Serve the explorer at http://ADDRESS/ (each message's journey, and why one waits; its
    /// JSON at /api/messages), Prometheus metrics at /metrics and a health check at /healthz
    /// (for example 127.0.0.1:9090).
    #[arg(long, visible_alias = "metrics", value_name = "ADDRESS")]
    pub http: Option<std::net::SocketAddr>,
    /// How log lines are written to stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Try the deliveries recorded as failed again.
    #[arg(long)]
    pub retry_failed: bool,
    /// Print what the store holds (each route's cursor and deliveries at each stage, the failed
    /// deliveries with their reason, the waiting ones with their last error) and exit.
    #[arg(long)]
    pub status: bool,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// For people.
    Text,
    /// One JSON object a line, for log collectors.
    Json,
}

/// How often the progress line is written.
const PROGRESS_INTERVAL: Duration = Duration::from_secs(10);

/// Runs the messenger until Ctrl-C, or with `--status` prints what its store holds (JSON with
/// `json`).
///
/// # Errors
/// [`CliError::Config`] for an unusable configuration file (naming the field); [`CliError::Key`]
/// for a key that is not one; [`CliError::Deployment`] for an unusable deployment file;
/// [`CliError::Messenger`] when a chain cannot be reached at start, serves another chain, or the
/// store cannot be opened, read or written.
pub fn run(args: &Args, json: bool) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(CliError::Runtime)?;
    if args.status {
        let store = match &args.config {
            Some(path) => ConfigFile::load(path)?.store_url(path),
            None => args.store.clone(),
        };
        let report = runtime.block_on(status(&store))?;
        if json {
            println!("{:#}", report.json);
        } else {
            print!("{}", report.text);
        }
        return Ok(());
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match args.log_format {
        LogFormat::Text => logs.try_init(),
        LogFormat::Json => logs.json().flatten_event(true).try_init(),
    };
    let Settings { deployment, store, mut config, key, attesters, metrics } = match &args.config {
        Some(path) => ConfigFile::load(path)?.settings(path, |name| std::env::var(name).ok())?,
        None => from_flags(args)?,
    };
    config.retry_failed = args.retry_failed;
    runtime.block_on(async {
        let instance = config.instance.clone();
        let opened = store::open(&store).await.map_err(MessengerError::from)?;
        let stale_after = (config.poll_interval * 20).max(Duration::from_secs(60));
        let max_block_range = config.max_block_range;
        let messenger = Messenger::connect(&deployment, key, attesters, opened, config).await?;
        let _server = match metrics {
            Some(address) => {
                let served = Served {
                    metrics: Some((Arc::clone(messenger.metrics()), stale_after)),
                    explorer: Some(Arc::new(messenger.explorer(max_block_range))),
                };
                let server = HttpServer::start(address, served)
                    .await
                    .map_err(|error| CliError::Io(format!("cannot serve on {address}: {error}")))?;
                tracing::info!("explorer at http://{}/", server.address());
                Some(server)
            }
            None => None,
        };
        let routes: Vec<String> = messenger.routes().iter().map(ToString::to_string).collect();
        tracing::info!(routes = %routes.join(", "), %store, %instance, "messenger running (Ctrl-C stops it)");
        let run = messenger.run(async {
            let _ = tokio::signal::ctrl_c().await;
        });
        if std::io::stderr().is_terminal() {
            tokio::select! {
                outcome = run => outcome?,
                () = progress(&messenger) => {}
            }
        } else {
            run.await?;
        }
        tracing::info!("stopped");
        Ok(())
    })
}

/// Writes a progress line every [`PROGRESS_INTERVAL`]: deliveries settled, pending and failed in
/// the store, and the rate since the last line. Never returns.
async fn progress(messenger: &Messenger) {
    let mut last: Option<(tokio::time::Instant, u64)> = None;
    loop {
        tokio::time::sleep(PROGRESS_INTERVAL).await;
        let Ok(summary) = messenger.summary().await else { continue };
        let total = |stage: fn(&store::RouteSummary) -> u64| summary.values().map(stage).sum::<u64>();
        let (delivered, failed) = (total(|s| s.delivered), total(|s| s.failed));
        let unsettled = total(|s| s.pending) + total(|s| s.submitted);
        let now = tokio::time::Instant::now();
        let rate = last.map_or(0.0, |(at, before)| {
            delivered.saturating_sub(before) as f64 / now.duration_since(at).as_secs_f64().max(f64::EPSILON)
        });
        last = Some((now, delivered));
        tracing::info!(delivered, unsettled, failed, "progress: {rate:.1} deliveries/s");
    }
}

/// The settings the command-line options give.
fn from_flags(args: &Args) -> Result<Settings, CliError> {
    let key = parse_key(args.key.as_deref().unwrap_or_default(), &format!("--key / {KEY_ENV}"))?;
    let attesters = args
        .attester_keys
        .iter()
        .enumerate()
        .map(|(index, key)| parse_key(key, &format!("key {} of --attester-key / {ATTESTER_KEYS_ENV}", index + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let config = Config {
        instance: args.instance.clone(),
        lease: Duration::from_secs(args.lease_secs.max(1)),
        poll_interval: Duration::from_millis(args.poll_ms),
        confirmations: args.confirmations,
        max_block_range: args.max_block_range,
        ..Config::default()
    };
    Ok(Settings {
        deployment: Deployment::load(&args.deployment)?,
        store: args.store.clone(),
        config,
        key,
        attesters,
        metrics: args.http,
    })
}

/// How many waiting and failed deliveries `--status` lists.
const LISTED: u32 = 100;

/// What the store holds: each route's summary, then the failed deliveries (with their reason) and
/// the pending ones (with their last error), newest first.
async fn status(store: &str) -> Result<Report, CliError> {
    let store = open_existing(store).await?;
    let routes: serde_json::Map<String, serde_json::Value> = store
        .summary()
        .await
        .map_err(MessengerError::from)?
        .into_iter()
        .map(|(route, summary)| (route.to_string(), json!(summary)))
        .collect();
    let failed = store.deliveries(None, Some(Stage::Failed), LISTED).await.map_err(MessengerError::from)?;
    let pending = store.deliveries(None, Some(Stage::Pending), LISTED).await.map_err(MessengerError::from)?;
    Ok(Report::new(json!({ "routes": routes, "failed": failed, "pending": pending })))
}

/// The messenger's store at `url`, which must exist: a command that only reads it does not create
/// an empty one where a path is mistyped.
///
/// # Errors
/// [`CliError::Io`] for a SQLite file that does not exist; [`CliError::Messenger`] when the store
/// cannot be opened.
pub async fn open_existing(url: &str) -> Result<Arc<dyn store::Store>, CliError> {
    let is_file = !url.contains("://") || url.starts_with("sqlite://");
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    if is_file && !std::path::Path::new(path).exists() {
        return Err(CliError::Io(format!("{path}: no such store (the messenger creates it when it first runs)")));
    }
    Ok(store::open(url).await.map_err(MessengerError::from)?)
}
