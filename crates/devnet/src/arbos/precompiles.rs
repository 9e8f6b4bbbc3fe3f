//! The precompiles of a devnet chain: revm's Ethereum precompiles of the hardfork the devnet follows
//! (Osaka: 0x01-0x11 and P256VERIFY at 0x100), and the Arbitrum precompiles at Nitro's addresses.

use alloy_primitives::Address;
use revm::{
    context::Cfg,
    context_interface::ContextTr,
    handler::{EthPrecompiles, PrecompileProvider},
    interpreter::{CallInputs, InterpreterResult},
    primitives::{hardfork::SpecId, AddressSet},
};

use super::{
    arb_gas_info, arb_sys, arb_wasm, arb_wasm_cache, method::PrecompileCall, ARB_GAS_INFO, ARB_SYS, ARB_WASM,
    ARB_WASM_CACHE,
};
use crate::exec::{DevContext, SPEC};

/// Every precompile of a devnet chain.
pub struct ArbPrecompiles {
    ethereum: EthPrecompiles,
    addresses: AddressSet,
}

/// The Arbitrum precompiles the devnet serves.
const ARBITRUM: [Address; 4] = [ARB_SYS, ARB_GAS_INFO, ARB_WASM, ARB_WASM_CACHE];

impl ArbPrecompiles {
    /// The precompiles of [`SPEC`].
    pub fn new() -> Self {
        Self::for_spec(SPEC)
    }

    fn for_spec(spec: SpecId) -> Self {
        let ethereum = EthPrecompiles::new(spec);
        let mut addresses = ethereum.warm_addresses().clone();
        addresses.extend(ARBITRUM);
        Self { ethereum, addresses }
    }
}

impl Default for ArbPrecompiles {
    fn default() -> Self {
        Self::new()
    }
}

type Method = fn(&mut DevContext<'_>, &PrecompileCall) -> (InterpreterResult, Option<String>);

impl<'a> PrecompileProvider<DevContext<'a>> for ArbPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <<DevContext<'a> as ContextTr>::Cfg as Cfg>::Spec) -> bool {
        if spec == self.ethereum.spec {
            return false;
        }
        *self = Self::for_spec(spec);
        true
    }

    fn run(&mut self, ctx: &mut DevContext<'a>, inputs: &CallInputs) -> Result<Option<InterpreterResult>, String> {
        let method: Method = match inputs.bytecode_address {
            ARB_SYS => arb_sys::call,
            ARB_GAS_INFO => arb_gas_info::call,
            ARB_WASM => arb_wasm::call,
            ARB_WASM_CACHE => arb_wasm_cache::call,
            _ => return PrecompileProvider::<DevContext<'a>>::run(&mut self.ethereum, ctx, inputs),
        };
        let call = PrecompileCall {
            input: inputs.input.bytes(ctx),
            caller: inputs.caller,
            value: inputs.value.get(),
            gas_limit: inputs.gas_limit,
            is_static: inputs.is_static,
        };
        let (result, burned) = method(ctx, &call);
        if let Some(reason) = burned {
            ctx.chain.record_failure(reason);
        }
        Ok(Some(result))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.addresses
    }
}
