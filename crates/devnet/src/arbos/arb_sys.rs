//! ArbSys (0x64): the chain's block number, chain id, ArbOS version and block hashes, as Arbitrum
//! contracts ask for them (Nitro's `precompiles/ArbSys.go`).

use alloy_primitives::{address, Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use revm::interpreter::InterpreterResult;

use super::method::{dispatch, Failure, MethodKind, PrecompileCall};
use crate::exec::DevContext;

/// The precompile's address.
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");

/// What a storage read costs a precompile method (Nitro's burner: `StorageReadCost`, 800).
pub(super) const STORAGE_READ_GAS: u64 = 800;

sol! {
    /// The part of ArbSys the devnet answers.
    interface ArbSys {
        function arbBlockNumber() external view returns (uint256);
        function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);

        error InvalidBlockNumber(uint256 requested, uint256 current);
    }
}

pub(super) fn call(ctx: &mut DevContext<'_>, call: &PrecompileCall) -> (InterpreterResult, Option<String>) {
    let env = ctx.chain.env;
    dispatch::<ArbSys::ArbSysCalls>(
        call,
        |_| MethodKind { payable: false, writes: false },
        |meter, method| {
            use ArbSys::ArbSysCalls as C;
            let out = match method {
                C::arbBlockNumber(_) => ArbSys::arbBlockNumberCall::abi_encode_returns(&U256::from(env.number)),
                C::arbBlockHash(c) => {
                    let current = U256::from(env.number);
                    let requested = c.arbBlockNum;
                    let in_window = requested < current && requested + U256::from(256) >= current;
                    if !in_window {
                        return Err(Failure::sol(ArbSys::InvalidBlockNumber { requested, current }));
                    }
                    ArbSys::arbBlockHashCall::abi_encode_returns(&env.block_hash(requested.to::<u64>()))
                }
                C::arbChainID(_) => {
                    meter.burn(STORAGE_READ_GAS)?;
                    ArbSys::arbChainIDCall::abi_encode_returns(&U256::from(env.chain_id))
                }
                C::arbOSVersion(_) => {
                    meter.burn(STORAGE_READ_GAS)?;
                    // Nitro numbers ArbOS versions after the 55 classic ones.
                    ArbSys::arbOSVersionCall::abi_encode_returns(&U256::from(55 + env.arbos_version))
                }
            };
            Ok(Bytes::from(out))
        },
    )
}
