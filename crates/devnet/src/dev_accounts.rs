//! The prefunded accounts every Ethereum dev node has: the first ten keys of the well-known test
//! mnemonic, derived at `m/44'/60'/0'/0/i` as anvil, hardhat and foundry derive them.

use std::sync::OnceLock;

use alloy_primitives::Address;
use alloy_signer_local::{coins_bip39::English, LocalSignerError, MnemonicBuilder, PrivateKeySigner};

/// The test mnemonic.
pub const DEV_MNEMONIC: &str = "test test test test test test test test test test test junk";

/// How many accounts are prefunded.
pub const DEV_ACCOUNT_COUNT: u32 = 10;

/// The key of the account a Nitro dev node (`nitro --dev`) funds at genesis, as Offchain Labs'
/// nitro-devnode documents it (address `0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E`).
pub const NITRO_DEV_KEY: &str = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

/// The signer of [`NITRO_DEV_KEY`].
pub fn nitro_dev_signer() -> PrivateKeySigner {
    NITRO_DEV_KEY.parse().unwrap_or_else(|_| unreachable!("a valid secp256k1 key"))
}

/// The signer of dev account `index`.
///
/// # Errors
/// Only if key derivation fails, which it does not for the fixed mnemonic and indexes below 2^31.
pub fn dev_signer(index: u32) -> Result<PrivateKeySigner, LocalSignerError> {
    match dev_signers().get(index as usize) {
        Some(signer) => Ok(signer.clone()),
        None => derive(index),
    }
}

fn derive(index: u32) -> Result<PrivateKeySigner, LocalSignerError> {
    MnemonicBuilder::<English>::default().phrase(DEV_MNEMONIC).index(index)?.build()
}

/// The ten dev signers, derived once per process (BIP-39 seed stretching is slow).
pub fn dev_signers() -> Vec<PrivateKeySigner> {
    static SIGNERS: OnceLock<Vec<PrivateKeySigner>> = OnceLock::new();
    SIGNERS.get_or_init(|| (0..DEV_ACCOUNT_COUNT).filter_map(|index| derive(index).ok()).collect()).clone()
}

/// The ten dev addresses.
pub fn dev_addresses() -> Vec<Address> {
    dev_signers().iter().map(PrivateKeySigner::address).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dev_accounts_are_the_ones_every_tool_knows() {
        let addresses = dev_addresses();
        assert_eq!(addresses.len(), 10);
        assert_eq!(addresses[0], "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse::<Address>().unwrap());
        assert_eq!(addresses[1], "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse::<Address>().unwrap());
        assert_eq!(addresses[9], "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720".parse::<Address>().unwrap());
    }
}
