//! ArbGasInfo (0x6c): the prices a wallet or operator asks for (Nitro's `precompiles/ArbGasInfo.go`).
//! The devnet has no L1 to post to, so its L1 prices are zero; its L2 base fee is fixed at the
//! chain's configured base fee, which is also the minimum gas price.

use alloy_primitives::{address, Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use revm::interpreter::InterpreterResult;

use super::{
    arb_sys::STORAGE_READ_GAS,
    method::{dispatch, MethodKind, PrecompileCall},
};
use crate::exec::DevContext;

/// The precompile's address.
pub const ARB_GAS_INFO: Address = address!("000000000000000000000000000000000000006C");

/// Gas Nitro prices a storage allocation at (`params.SstoreSetGasEIP2200`).
const STORAGE_ARB_GAS: u64 = 20_000;

sol! {
    /// The part of ArbGasInfo the devnet answers.
    interface ArbGasInfo {
        function getPricesInWei() external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
        function getL1BaseFeeEstimate() external view returns (uint256);
        function getMinimumGasPrice() external view returns (uint256);
    }
}

pub(super) fn call(ctx: &mut DevContext<'_>, call: &PrecompileCall) -> (InterpreterResult, Option<String>) {
    let base_fee = U256::from(ctx.chain.env.base_fee);
    dispatch::<ArbGasInfo::ArbGasInfoCalls>(
        call,
        |_| MethodKind { payable: false, writes: false },
        |meter, method| {
            use ArbGasInfo::ArbGasInfoCalls as C;
            let out = match method {
                C::getPricesInWei(_) => {
                    // The L1 price per byte, the minimum base fee and the base fee.
                    meter.burn(3 * STORAGE_READ_GAS)?;
                    let l1_per_byte = U256::ZERO;
                    ArbGasInfo::getPricesInWeiCall::abi_encode_returns(&ArbGasInfo::getPricesInWeiReturn {
                        _0: l1_per_byte,
                        _1: l1_per_byte,
                        _2: base_fee * U256::from(STORAGE_ARB_GAS),
                        _3: base_fee,
                        _4: U256::ZERO,
                        _5: base_fee,
                    })
                }
                C::getL1BaseFeeEstimate(_) => {
                    meter.burn(STORAGE_READ_GAS)?;
                    ArbGasInfo::getL1BaseFeeEstimateCall::abi_encode_returns(&U256::ZERO)
                }
                C::getMinimumGasPrice(_) => {
                    meter.burn(STORAGE_READ_GAS)?;
                    ArbGasInfo::getMinimumGasPriceCall::abi_encode_returns(&base_fee)
                }
            };
            Ok(Bytes::from(out))
        },
    )
}
