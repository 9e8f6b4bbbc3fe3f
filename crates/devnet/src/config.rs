//! How a devnet chain is set up.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use crate::ibft::IbftConfig;

/// A chain's fixed parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainConfig {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The ArbOS version whose Stylus rules apply (reference §9). 50 is what production chains run.
    pub arbos_version: u64,
    /// Gas limit of every block.
    pub block_gas_limit: u64,
    /// Base fee per gas, constant (Arbitrum's minimum is 0.01 gwei; the devnet keeps it fixed).
    pub base_fee: u64,
    /// Balance of each prefunded dev account.
    pub dev_balance: U256,
    /// Which dev accounts are prefunded (and sign `eth_sendTransaction`).
    #[serde(default)]
    pub dev_accounts: DevAccounts,
    /// The fee recipient in block headers.
    pub coinbase: Address,
    /// Unix time of the genesis block.
    pub genesis_timestamp: u64,
    /// Whether debug-only hostios (`console.*`) may be imported (reference §2.2).
    pub debug_chain: bool,
    /// The addresses ArbWasmCache lets cache and evict programs (Nitro's cache managers, reference
    /// §4.4). Dev account 0 by default, so tests and operators can cache what they deploy.
    #[serde(default = "default_cache_managers")]
    pub cache_managers: Vec<Address>,
    /// Seal blocks as the MAP relay chain does (IBFT, BLS over BN254; [`crate::ibft`]) rather than
    /// as Nitro: for a relay chain whose light nodes verify its validators' seals.
    #[serde(default)]
    pub ibft: Option<IbftConfig>,
}

/// The accounts a chain funds at genesis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DevAccounts {
    /// The ten accounts of the test mnemonic, as anvil and hardhat fund them.
    #[default]
    Mnemonic,
    /// Only Nitro's dev account, as `nitro --dev` (Offchain Labs' nitro-devnode) funds it: what
    /// a harness written for a Nitro devnode meets.
    Nitro,
}

impl std::str::FromStr for DevAccounts {
    type Err = String;

    /// `mnemonic` or `nitro`.
    ///
    /// # Errors
    /// A message naming both, for anything else.
    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "mnemonic" => Ok(Self::Mnemonic),
            "nitro" => Ok(Self::Nitro),
            other => Err(format!("`{other}` is not a set of dev accounts: `mnemonic` or `nitro`")),
        }
    }
}

fn default_cache_managers() -> Vec<Address> {
    crate::dev_accounts::dev_addresses().into_iter().take(1).collect()
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: 412_346,
            arbos_version: 50,
            block_gas_limit: 32_000_000,
            base_fee: 10_000_000,
            dev_balance: U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18)),
            dev_accounts: DevAccounts::default(),
            coinbase: Address::ZERO,
            genesis_timestamp: 1_735_689_600,
            debug_chain: false,
            cache_managers: default_cache_managers(),
            ibft: None,
        }
    }
}
