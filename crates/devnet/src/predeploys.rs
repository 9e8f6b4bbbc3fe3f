//! Contracts the devnet places at genesis where Arbitrum chains have them: the StylusDeployer,
//! through which `cargo stylus deploy` creates, activates and constructs a program that declares a
//! constructor, in one transaction. Its Solidity is `contracts/StylusDeployer.sol`, compiled by
//! the pinned solc (`make sol`; `make test` checks the committed output is a fresh compile).

use alloy_primitives::{address, hex, Address, Bytes};

/// Where Arbitrum chains have the StylusDeployer (cargo-stylus's `--deployer-address` default).
pub const STYLUS_DEPLOYER: Address = address!("0xcEcba2F1DC234f70Dd89F2041029807F8D03A990");

/// The StylusDeployer's runtime code (`contracts/out/StylusDeployer.runtime.bin`).
pub fn stylus_deployer_code() -> Bytes {
    hex::decode(include_str!("../contracts/out/StylusDeployer.runtime.bin").trim()).unwrap_or_default().into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stylus_deployers_code_is_the_compiled_runtime() {
        let code = super::stylus_deployer_code();
        assert!(code.len() > 500, "{} bytes", code.len());
        assert_eq!(code[..2], [0x60, 0x80], "solc's runtime starts with its free-memory pointer");
    }
}
