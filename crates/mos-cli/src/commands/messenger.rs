//! `mos messenger`: the messenger of a deployment, running until Ctrl-C. Its logs go to stderr
//! (`RUST_LOG` sets the level, `info` by default). With `--status`, what its state file holds.

use std::{path::PathBuf, time::Duration};

use mos_messenger::{state::StateFile, Config, Deployment, Messenger, MessengerError};

use crate::{commands::deploy::parse_key, CliError, Report};

/// The environment variable that can hold the messenger's key instead of `--key`.
const KEY_ENV: &str = "MOS_MESSENGER_KEY";
/// The environment variable that can hold the attesters' keys instead of `--attester-key`.
const ATTESTER_KEYS_ENV: &str = "MOS_ATTESTER_KEYS";

/// Arguments of `mos messenger`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The deployment file `mos deploy` wrote.
    #[arg(long, value_name = "FILE", default_value = "deployment.json")]
    pub deployment: PathBuf,
    /// Where the messenger keeps what it has done (created if missing). Keep it: a messenger
    /// restarted with it goes on where it stopped.
    #[arg(long, value_name = "FILE", default_value = "messenger-state.json")]
    pub state: PathBuf,
    /// The private key that sends and pays for the deliveries, hex (or set MOS_MESSENGER_KEY).
    #[arg(long, value_name = "HEX", env = KEY_ENV, hide_env_values = true, required_unless_present = "status")]
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
    /// Milliseconds between two rounds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub poll_ms: u64,
    /// Blocks on top of a source block before its messages are carried.
    #[arg(long, default_value_t = 0)]
    pub confirmations: u64,
    /// The most blocks one eth_getLogs asks for.
    #[arg(long, default_value_t = 1000)]
    pub max_block_range: u64,
    /// Try the deliveries recorded as failed again.
    #[arg(long)]
    pub retry_failed: bool,
    /// Print what the state file holds (each route's cursor, pending deliveries and their last
    /// error, failed deliveries and their reason) and exit.
    #[arg(long)]
    pub status: bool,
}

/// Runs the messenger until Ctrl-C, or with `--status` prints its state (JSON with `json`).
///
/// # Errors
/// [`CliError::Key`] for a key that is not one; [`CliError::Deployment`] for an unusable deployment
/// file; [`CliError::Messenger`] when a chain cannot be reached at start, serves another chain, or
/// the state file cannot be read or written (or, with `--status`, does not exist).
pub fn run(args: &Args, json: bool) -> Result<(), CliError> {
    if args.status {
        let report = status(args)?;
        if json {
            println!("{:#}", report.json);
        } else {
            print!("{}", report.text);
        }
        return Ok(());
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let key = parse_key(args.key.as_deref().unwrap_or_default(), &format!("--key / {KEY_ENV}"))?;
    let attesters = args
        .attester_keys
        .iter()
        .enumerate()
        .map(|(index, key)| parse_key(key, &format!("key {} of --attester-key / {ATTESTER_KEYS_ENV}", index + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let deployment = Deployment::load(&args.deployment)?;
    let config = Config {
        poll_interval: Duration::from_millis(args.poll_ms),
        confirmations: args.confirmations,
        max_block_range: args.max_block_range,
        retry_failed: args.retry_failed,
        ..Config::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(CliError::Runtime)?;
    runtime.block_on(async {
        let mut messenger = Messenger::connect(&deployment, key, attesters, &args.state, config).await?;
        let routes: Vec<String> = messenger.routes().iter().map(ToString::to_string).collect();
        let state = args.state.display();
        tracing::info!(routes = %routes.join(", "), %state, "messenger running (Ctrl-C stops it)");
        messenger
            .run(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// The state file, as it is.
fn status(args: &Args) -> Result<Report, CliError> {
    if !args.state.exists() {
        return Err(CliError::Io(format!("{}: no such state file", args.state.display())));
    }
    let state = StateFile::open(&args.state).map_err(MessengerError::from)?;
    let json = serde_json::to_value(state.state()).map_err(|e| CliError::Io(e.to_string()))?;
    Ok(Report::new(json))
}
