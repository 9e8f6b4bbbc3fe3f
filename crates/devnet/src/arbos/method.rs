//! How a call to an Arbitrum precompile is framed (reference §6.3, Nitro's `precompiles/wrapper.go`
//! and `context.go`): 3 gas per word of arguments and of result, an unknown selector or value sent
//! to a method that takes none reverts with no gas left, a Solidity error reverts with its data and
//! keeps the gas, and a failure that Nitro "burns out" consumes all gas.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolError, SolInterface};
use revm::interpreter::{Gas, InstructionResult, InterpreterResult};

/// How a precompile method ends when it does not return.
pub enum Failure {
    /// A Solidity error: revert with its data, keep the gas.
    Sol(Bytes),
    /// A plain error: revert without data, keep the gas.
    Plain(String),
    /// All gas is burned (out of gas, a failed activation, a caller without permission).
    BurnOut(String),
}

impl Failure {
    /// The failure that reverts with a Solidity error.
    pub fn sol(error: impl SolError) -> Self {
        Self::Sol(Bytes::from(error.abi_encode()))
    }
}

/// What a method returns.
pub type MethodResult = Result<Bytes, Failure>;

/// The gas a method call has left.
pub struct Meter {
    limit: u64,
    left: u64,
}

impl Meter {
    /// Pays `gas`.
    ///
    /// # Errors
    /// [`Failure::BurnOut`] when less than `gas` is left.
    pub fn burn(&mut self, gas: u64) -> Result<(), Failure> {
        self.left = self.left.checked_sub(gas).ok_or_else(|| Failure::BurnOut("out of gas".into()))?;
        Ok(())
    }

    /// The interpreter result of the method's `result`: the output pays 3 gas per word.
    pub fn finish(mut self, result: MethodResult) -> (InterpreterResult, Option<String>) {
        let result = result.and_then(|output| self.burn(words(output.len()) * 3).map(|()| output));
        match result {
            Ok(output) => (self.result(InstructionResult::Return, output, self.left), None),
            Err(Failure::Sol(data)) => (self.result(InstructionResult::Revert, data, self.left), None),
            Err(Failure::Plain(reason)) => {
                tracing::debug!(%reason, "precompile reverted");
                (self.result(InstructionResult::Revert, Bytes::new(), self.left), None)
            }
            Err(Failure::BurnOut(reason)) => {
                tracing::debug!(%reason, "precompile burned all gas");
                (self.result(InstructionResult::PrecompileError, Bytes::new(), 0), Some(reason))
            }
        }
    }

    fn result(&self, result: InstructionResult, output: Bytes, left: u64) -> InterpreterResult {
        let mut gas = Gas::new(self.limit);
        gas.set_remaining(left);
        InterpreterResult { result, output, gas }
    }
}

/// A call to an Arbitrum precompile.
pub struct PrecompileCall {
    /// Calldata.
    pub input: Bytes,
    /// `msg.sender`.
    pub caller: Address,
    /// `msg.value` (already moved to the precompile's account by the call).
    pub value: U256,
    /// Gas given to the call.
    pub gas_limit: u64,
    /// Whether the call may not change state.
    pub is_static: bool,
}

/// What a method of an interface `C` is.
pub struct MethodKind {
    /// It takes value.
    pub payable: bool,
    /// It changes state (refused in a static call).
    pub writes: bool,
}

/// Decodes a call to the interface `C`, refuses what Nitro refuses before the method runs, runs
/// `body` and frames its result. The second value is why all gas was burned, when it was.
pub fn dispatch<C: SolInterface>(
    call: &PrecompileCall,
    kind: impl FnOnce(&C) -> MethodKind,
    body: impl FnOnce(&mut Meter, C) -> MethodResult,
) -> (InterpreterResult, Option<String>) {
    // An unknown selector, or value sent to a method that takes none: Nitro's precompile `Call`
    // reverts (`ErrExecutionReverted`, so callers and `eth_call` see a revert) with no gas left.
    let reverted = || {
        let mut gas = Gas::new(call.gas_limit);
        gas.set_remaining(0);
        (InterpreterResult { result: InstructionResult::Revert, output: Bytes::new(), gas }, None)
    };
    let Ok(decoded) = C::abi_decode(&call.input) else { return reverted() };
    let MethodKind { payable, writes } = kind(&decoded);
    if !payable && !call.value.is_zero() {
        return reverted();
    }
    let mut meter = Meter { limit: call.gas_limit, left: call.gas_limit };
    let result = meter.burn(words(call.input.len()) * 3).and_then(|()| {
        if writes && call.is_static {
            return Err(Failure::BurnOut("write protection: a state-changing method in a static call".into()));
        }
        body(&mut meter, decoded)
    });
    meter.finish(result)
}

fn words(len: usize) -> u64 {
    (len as u64).div_ceil(32)
}
