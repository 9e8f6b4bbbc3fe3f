//! `mos devnet`: a local Stylus dev chain over JSON-RPC.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use devnet::{persist, rpc::RpcServer, Chain, ChainConfig, DevAccounts};

use crate::CliError;

/// Arguments of `mos devnet`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8547)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,
    /// EIP-155 chain id.
    #[arg(long, default_value_t = ChainConfig::default().chain_id)]
    pub chain_id: u64,
    /// ArbOS version whose Stylus rules apply.
    #[arg(long, default_value_t = ChainConfig::default().arbos_version)]
    pub arbos_version: u64,
    /// Which accounts are funded at genesis: `mnemonic` (the ten of the test mnemonic, as anvil
    /// funds them) or `nitro` (only Nitro's dev account, as `nitro --dev` funds it).
    #[arg(long, default_value = "mnemonic")]
    pub dev_accounts: DevAccounts,
    /// Mine a block every this many seconds as well as one per transaction.
    #[arg(long)]
    pub block_time: Option<u64>,
    /// Seal blocks as the MAP relay chain does (IBFT, BLS over BN254) with this many dev validators
    /// (their keys are printed): a relay chain whose MAP light nodes verify the seals.
    #[arg(long, value_name = "N")]
    pub validators: Option<usize>,
    /// With `--validators`: blocks per epoch (the validator set changes only at an epoch's end).
    #[arg(long, default_value_t = 32, requires = "validators")]
    pub epoch_size: u64,
    /// Load the chain from this file if it exists, and save it there on exit.
    #[arg(long)]
    pub state: Option<PathBuf>,
}

/// Runs the chain until Ctrl-C.
///
/// # Errors
/// [`CliError::Devnet`] when the state file cannot be read or written or the port cannot be bound.
pub fn run(args: &Args) -> Result<(), CliError> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let chain = match &args.state {
        Some(path) if path.exists() => {
            let saved = persist::load(path).map_err(|e| CliError::Devnet(e.to_string()))?;
            Chain::from_saved(saved).map_err(|e| CliError::Devnet(format!("{}: {e}", path.display())))?
        }
        _ => Chain::try_new(ChainConfig {
            chain_id: args.chain_id,
            arbos_version: args.arbos_version,
            dev_accounts: args.dev_accounts,
            ibft: args.validators.map(|count| devnet::ibft::IbftConfig::dev(count, args.epoch_size)),
            ..ChainConfig::default()
        })
        .map_err(|error| CliError::Devnet(format!("--validators / --epoch-size: {error}")))?,
    };
    let accounts = chain.accounts();
    let ibft = chain.ibft().map(|ibft| ibft.config().clone());
    let chain = Arc::new(Mutex::new(chain));
    let runtime = tokio::runtime::Runtime::new().map_err(|e| CliError::Devnet(e.to_string()))?;
    runtime.block_on(async {
        let address = SocketAddr::new(args.host, args.port);
        let server = RpcServer::start(Arc::clone(&chain), address, args.block_time.map(Duration::from_secs))
            .await
            .map_err(|e| CliError::Devnet(format!("cannot listen on {address}: {e}")))?;
        println!("MOS devnet (Arbitrum Stylus dev chain), chain id {}", args.chain_id);
        println!("JSON-RPC: {}", server.url());
        match args.dev_accounts {
            DevAccounts::Mnemonic => println!("Dev accounts (mnemonic \"{}\"):", devnet::dev_accounts::DEV_MNEMONIC),
            DevAccounts::Nitro => println!("Dev account (Nitro's, key {}):", devnet::dev_accounts::NITRO_DEV_KEY),
        }
        for (index, account) in accounts.iter().enumerate() {
            println!("  ({index}) {account}");
        }
        if let Some(ibft) = ibft {
            println!(
                "IBFT validators (epochs of {} blocks; istanbul_getEpochInfo, mos_setNextValidators):",
                ibft.epoch_size
            );
            for key in &ibft.validators {
                let address =
                    devnet::ibft::Validator::from_key(*key).map(|v| v.address.to_string()).unwrap_or_default();
                println!("  {address} key {key}");
            }
        }
        tokio::signal::ctrl_c().await.map_err(|e| CliError::Devnet(e.to_string()))?;
        server.stop();
        Ok::<(), CliError>(())
    })?;
    if let Some(path) = &args.state {
        let saved = chain.lock().map_err(|_| CliError::Devnet("the chain panicked".into()))?.to_saved();
        persist::save(&saved, path).map_err(|e| CliError::Devnet(e.to_string()))?;
        println!("saved the chain to {}", path.display());
    }
    Ok(())
}
