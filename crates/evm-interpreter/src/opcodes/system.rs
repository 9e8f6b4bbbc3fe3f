//! Nested calls and creates, and `SELFDESTRUCT`.
//!
//! The interpreter prices these opcodes completely (memory, access, value, new account, the
//! 63/64 rule, the stipend, init code) and the host runs the child.

use alloy_primitives::{Bytes, U256};

use crate::frame::HaltReason;
use crate::host::{CallKind, CallRequest, CallStatus, CreateRequest, CreateScheme, Host};
use crate::interpreter::{Exit, Interpreter, Step};
use crate::{gas, memory};

impl Interpreter<'_> {
    /// `CALL`, `CALLCODE`, `DELEGATECALL` and `STATICCALL`.
    pub(crate) fn call(&mut self, host: &mut dyn Host, kind: CallKind) -> Step {
        let requested_gas = self.stack.pop()?;
        let address = self.pop_address()?;
        let value = match kind {
            CallKind::Call | CallKind::CallCode => self.stack.pop()?,
            CallKind::DelegateCall | CallKind::StaticCall => U256::ZERO,
        };
        let [in_offset, in_len, out_offset, out_len] = self.stack.pop_n()?;
        let transfers_value = !value.is_zero();
        // CALLCODE may carry value in a static frame: the value moves to the frame itself.
        if self.input.is_static && kind == CallKind::Call && transfers_value {
            return Err(HaltReason::StaticStateChange.into());
        }

        let input_range = memory::range(in_offset, in_len)?;
        let output_range = memory::range(out_offset, out_len)?;
        let memory_end = input_range.iter().chain(&output_range).map(|range| range.end).max().unwrap_or(0);
        let memory_cost = self.memory.expansion_cost(memory_end);

        let account = host.account_is_empty(address);
        let creates_account = kind == CallKind::Call && transfers_value && account.value;
        let extra = gas::call_cost(account.is_cold, transfers_value, creates_account);

        // EIP-150: the caller keeps at least a 64th of what remains after paying for the call.
        let requested_gas = requested_gas.saturating_to::<u64>();
        let forwarded = match self.gas_left.checked_sub(memory_cost.saturating_add(extra)) {
            Some(available) => requested_gas.min(gas::max_call_gas(available)),
            // The charge below fails.
            None => requested_gas,
        };
        self.charge(forwarded.saturating_add(extra).saturating_add(memory_cost))?;
        self.memory.grow(memory_end);

        let stipend = if transfers_value { gas::CALL_STIPEND } else { 0 };
        let gas_limit = forwarded.saturating_add(stipend);
        let input = input_range.map_or_else(Bytes::new, |range| Bytes::copy_from_slice(self.memory.get(range)));
        let frame = self.input;
        let (target, caller, value) = match kind {
            CallKind::Call | CallKind::StaticCall => (address, frame.address, value),
            CallKind::CallCode => (frame.address, frame.address, value),
            CallKind::DelegateCall => (frame.address, frame.caller, frame.value),
        };
        let outcome = host.call(CallRequest {
            kind,
            target,
            code_address: address,
            caller,
            value,
            input,
            gas_limit,
            is_static: frame.is_static || kind == CallKind::StaticCall,
        });

        self.gas_left = self.gas_left.saturating_add(outcome.gas_left.min(gas_limit));
        if let Some(range) = output_range {
            let copied = range.len().min(outcome.output.len());
            self.memory.set(range.start, outcome.output.get(..copied).unwrap_or_default());
        }
        self.return_data = outcome.output;
        self.stack.push(U256::from(outcome.status == CallStatus::Success))?;
        Ok(())
    }

    /// `CREATE` and `CREATE2`.
    pub(crate) fn create(&mut self, host: &mut dyn Host, is_create2: bool) -> Step {
        let [value, offset, len] = self.stack.pop_n()?;
        let salt = if is_create2 { Some(self.stack.pop()?) } else { None };
        if self.input.is_static {
            return Err(HaltReason::StaticStateChange.into());
        }
        let range = memory::range(offset, len)?;
        let init_code_len = range.as_ref().map_or(0, |range| range.len());
        if init_code_len > gas::MAX_INITCODE_SIZE {
            return Err(HaltReason::InitCodeSizeLimit.into());
        }
        self.charge(gas::create_cost(init_code_len as u64, is_create2))?;
        self.expand(range.as_ref())?;

        let gas_limit = gas::max_call_gas(self.gas_left);
        self.gas_left -= gas_limit;
        let init_code = range.map_or_else(Bytes::new, |range| Bytes::copy_from_slice(self.memory.get(range)));
        let scheme = salt.map_or(CreateScheme::Create, |salt| CreateScheme::Create2 { salt: salt.into() });
        let outcome = host.create(CreateRequest { scheme, caller: self.input.address, value, init_code, gas_limit });

        self.gas_left = self.gas_left.saturating_add(outcome.gas_left.min(gas_limit));
        let (return_data, result) = match outcome.status {
            CallStatus::Success => (Bytes::new(), outcome.address.into_word().into()),
            CallStatus::Revert => (outcome.output, U256::ZERO),
            CallStatus::Failed => (Bytes::new(), U256::ZERO),
        };
        self.return_data = return_data;
        self.stack.push(result)?;
        Ok(())
    }

    /// `SELFDESTRUCT`: priced here, carried out by the host (EIP-6780), and ends the frame.
    pub(crate) fn selfdestruct(&mut self, host: &mut dyn Host) -> Step {
        let beneficiary = self.pop_address()?;
        if self.input.is_static {
            return Err(HaltReason::StaticStateChange.into());
        }
        let account = host.account_is_empty(beneficiary);
        let funds_new_account = account.value && !host.balance(self.input.address).value.is_zero();
        self.charge(gas::selfdestruct_cost(account.is_cold, account.value, funds_new_account))?;
        host.selfdestruct(self.input.address, beneficiary);
        Err(Exit::Stop)
    }
}
