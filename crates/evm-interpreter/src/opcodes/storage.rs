//! Persistent (`SLOAD`/`SSTORE`) and transient (`TLOAD`/`TSTORE`) storage.

use crate::frame::HaltReason;
use crate::gas;
use crate::host::Host;
use crate::interpreter::{Interpreter, Step};

impl Interpreter<'_> {
    /// `SLOAD`.
    pub(crate) fn sload(&mut self, host: &mut dyn Host) -> Step {
        let key = self.stack.pop()?;
        let load = host.sload(self.input.address, key);
        self.push_word(gas::sload_cost(load.is_cold), load.value)
    }

    /// `SSTORE`: the host writes and reports the values, then the store is priced. A halt here
    /// (out of gas) leaves the host to revert the write with the rest of the frame.
    pub(crate) fn sstore(&mut self, host: &mut dyn Host) -> Step {
        let [key, value] = self.stack.pop_n()?;
        if self.gas_left <= gas::SSTORE_SENTRY {
            return Err(HaltReason::OutOfGas.into());
        }
        if self.input.is_static {
            return Err(HaltReason::StaticStateChange.into());
        }
        let store = host.sstore(self.input.address, key, value);
        let result = store.value;
        let (cost, refund) = gas::sstore_cost(result.original, result.current, result.new, store.is_cold);
        self.charge(cost)?;
        if refund != 0 {
            host.add_refund(refund);
        }
        Ok(())
    }

    /// `TLOAD` (EIP-1153).
    pub(crate) fn tload(&mut self, host: &mut dyn Host) -> Step {
        self.charge(gas::TRANSIENT)?;
        let top = self.stack.top_mut()?;
        *top = host.tload(self.input.address, *top);
        Ok(())
    }

    /// `TSTORE` (EIP-1153).
    pub(crate) fn tstore(&mut self, host: &mut dyn Host) -> Step {
        self.charge(gas::TRANSIENT)?;
        let [key, value] = self.stack.pop_n()?;
        if self.input.is_static {
            return Err(HaltReason::StaticStateChange.into());
        }
        host.tstore(self.input.address, key, value);
        Ok(())
    }
}
