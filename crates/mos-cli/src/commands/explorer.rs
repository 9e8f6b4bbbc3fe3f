//! `mos explorer`: the explorer of a deployment on its own, against the chains' RPC endpoints (and
//! the messenger's store, when given), until Ctrl-C: the list of messages at `/`, each message's
//! journey at `/messages/{orderId}`, and their JSON at `/api/messages` and
//! `/api/messages/{orderId}` (docs/explorer.md). `mos messenger --http` serves the same explorer
//! with the messenger's own chains and store.

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use mos_messenger::{
    explorer::{index::Start, Explorer, Settings},
    http::{HttpServer, Served},
    Deployment,
};

use crate::CliError;

/// Arguments of `mos explorer`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The deployment file `mos deploy` wrote: the chains whose messages are shown.
    #[arg(long, value_name = "FILE", default_value = "deployment.json")]
    pub deployment: PathBuf,
    /// The messenger's store (a SQLite file or postgres://…): what it has done with each message
    /// (picked up, submitted, refused, its last error).
    #[arg(long, value_name = "URL", env = "MOS_MESSENGER_STORE")]
    pub store: Option<String>,
    /// The address to serve on.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The first block to read on every chain [default: each MOS's deployment block].
    #[arg(long, value_name = "NUMBER", conflicts_with = "blocks")]
    pub from_block: Option<u64>,
    /// Read only the last COUNT blocks of each chain (not before its deployment block).
    #[arg(long, value_name = "COUNT")]
    pub blocks: Option<u64>,
    /// The most blocks one eth_getLogs asks for.
    #[arg(long, value_name = "COUNT", default_value_t = 1000)]
    pub max_block_range: u64,
    /// Blocks a source block needs on top of it before the messenger carries its messages (as
    /// the messenger runs).
    #[arg(long, value_name = "COUNT", default_value_t = 0)]
    pub confirmations: u64,
}

/// Serves the explorer until Ctrl-C.
///
/// # Errors
/// [`CliError::Deployment`] for an unusable deployment file; [`CliError::ExplorerSetup`] for a
/// chain whose URL is not usable; [`CliError::Messenger`] for a store that cannot be opened;
/// [`CliError::Io`] when the address cannot be bound.
pub fn run(args: &Args) -> Result<(), CliError> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let deployment = Deployment::load(&args.deployment)?;
    let settings = Settings {
        start: match (args.from_block, args.blocks) {
            (Some(block), _) => Start::Block(block),
            (None, Some(blocks)) => Start::Recent(blocks),
            (None, None) => Start::Deployment,
        },
        max_block_range: args.max_block_range.max(1),
        confirmations: args.confirmations,
        ..Settings::default()
    };
    crate::rpc::block_on(async {
        let store = match &args.store {
            Some(url) => Some(crate::commands::messenger::open_existing(url).await?),
            None => None,
        };
        let explorer = Explorer::connect(&deployment, store, settings)?;
        let served = Served { metrics: None, explorer: Some(Arc::new(explorer)) };
        let server = HttpServer::start(args.listen, served)
            .await
            .map_err(|error| CliError::Io(format!("cannot serve on {}: {error}", args.listen)))?;
        println!("explorer at http://{}/ (Ctrl-C stops it)", server.address());
        let _ = tokio::signal::ctrl_c().await;
        server.stop();
        Ok(())
    })
}
