//! How a devnet chain is set up.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

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
            coinbase: Address::ZERO,
            genesis_timestamp: 1_735_689_600,
            debug_chain: false,
            cache_managers: default_cache_managers(),
        }
    }
}
