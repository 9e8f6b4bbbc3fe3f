//! The Echo dApps the local network can deploy: one interface (`examples/echo/IEcho.sol`), two
//! implementations, the Stylus Echo (`examples/echo`, a program built from source) and the
//! Solidity Echo (`examples/solidity-echo`, deployed from the creation bytecode solc wrote to
//! `examples/solidity-echo/out/`: `make sol` writes it, `make test` checks it is what the sources
//! compile to).

use std::fmt;

use alloy_primitives::{hex, Address, Bytes};
use alloy_sol_types::SolValue;

/// Which Echo dApp runs: what the local network (feature `local`) deploys on each chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dapp {
    /// The Stylus Echo (`examples/echo`), owned through its creation recording the deployer.
    Stylus,
    /// The Solidity Echo (`examples/solidity-echo/Echo.sol`), owned through its constructor.
    Solidity,
}

impl fmt::Display for Dapp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stylus => "stylus",
            Self::Solidity => "solidity",
        })
    }
}

/// A contract of `examples/solidity-echo`, as solc compiled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolidityContract {
    /// `Echo.sol`: the Solidity Echo (`IEcho`); its constructor takes nothing.
    Echo,
    /// `ReenteringTarget.sol`: a MESSAGE target that calls back into the MOS while the MOS executes
    /// it; its constructor takes `(address mos, bytes mosCall)`.
    ReenteringTarget,
}

/// A committed artifact that is not hex: `make sol` writes it again.
#[derive(Debug, thiserror::Error)]
#[error("examples/solidity-echo/out/{contract}.bin is not hex ({reason}): run `make sol`")]
pub struct ArtifactError {
    /// The contract's name.
    pub contract: &'static str,
    /// What the hex decoder said.
    pub reason: String,
}

impl SolidityContract {
    /// The contract's name, which names its artifacts.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Echo => "Echo",
            Self::ReenteringTarget => "ReenteringTarget",
        }
    }

    /// The creation bytecode solc wrote (`out/<name>.bin`), without constructor arguments.
    ///
    /// # Errors
    /// [`ArtifactError`] when the committed file is not hex.
    pub fn creation_code(self) -> Result<Vec<u8>, ArtifactError> {
        let text = match self {
            Self::Echo => include_str!("../../../examples/solidity-echo/out/Echo.bin"),
            Self::ReenteringTarget => include_str!("../../../examples/solidity-echo/out/ReenteringTarget.bin"),
        };
        hex::decode(text.trim()).map_err(|error| ArtifactError { contract: self.name(), reason: error.to_string() })
    }
}

/// The init code of a [`SolidityContract::ReenteringTarget`] that calls `mos` with `mos_call`
/// whenever `mos` executes it.
///
/// # Errors
/// [`ArtifactError`] when the committed bytecode is not hex.
pub fn reentering_target_init_code(mos: Address, mos_call: Bytes) -> Result<Vec<u8>, ArtifactError> {
    let mut init = SolidityContract::ReenteringTarget.creation_code()?;
    init.extend((mos, mos_call).abi_encode_params());
    Ok(init)
}
