//! Opcodes that read the frame's input, other accounts, the block or the return-data buffer.

use alloy_primitives::U256;

use crate::frame::HaltReason;
use crate::host::Host;
use crate::interpreter::{Interpreter, Step};
use crate::{gas, memory};

impl Interpreter<'_> {
    /// `BALANCE`.
    pub(crate) fn balance(&mut self, host: &mut dyn Host) -> Step {
        let address = self.pop_address()?;
        let load = host.balance(address);
        self.push_word(gas::account_access_cost(load.is_cold), load.value)
    }

    /// `EXTCODESIZE`.
    pub(crate) fn extcodesize(&mut self, host: &mut dyn Host) -> Step {
        let address = self.pop_address()?;
        let load = host.code_size(address);
        self.push_word(gas::account_access_cost(load.is_cold), U256::from(load.value))
    }

    /// `EXTCODEHASH`.
    pub(crate) fn extcodehash(&mut self, host: &mut dyn Host) -> Step {
        let address = self.pop_address()?;
        let load = host.code_hash(address);
        self.push_word(gas::account_access_cost(load.is_cold), load.value.into())
    }

    /// `EXTCODECOPY`.
    pub(crate) fn extcodecopy(&mut self, host: &mut dyn Host) -> Step {
        let address = self.pop_address()?;
        let [dest, offset, len] = self.stack.pop_n()?;
        let load = host.code(address);
        self.copy_to_memory_from(gas::account_access_cost(load.is_cold), &load.value, dest, offset, len)
    }

    /// `CALLDATALOAD`: 32 bytes of calldata, zero-padded past its end.
    pub(crate) fn calldataload(&mut self) -> Step {
        self.charge(gas::VERY_LOW)?;
        let offset = self.stack.pop()?;
        let input = self.input.input();
        let mut word = [0u8; 32];
        if let Some(tail) = usize::try_from(offset).ok().and_then(|start| input.get(start..)) {
            let n = tail.len().min(32);
            word[..n].copy_from_slice(&tail[..n]);
        }
        self.stack.push(U256::from_be_bytes(word))?;
        Ok(())
    }

    /// `RETURNDATACOPY`: unlike the other copies, reading past the buffer halts.
    pub(crate) fn returndatacopy(&mut self) -> Step {
        let [dest, offset, len] = self.stack.pop_n()?;
        let range = memory::range(dest, len)?;
        let copy_len = range.as_ref().map_or(0, |range| range.len() as u64);
        self.charge(gas::VERY_LOW.saturating_add(gas::copy_cost(copy_len)))?;
        // Checked even for a zero length: an offset past the end alone is out of bounds.
        let in_bounds = offset.checked_add(len).is_some_and(|end| end <= U256::from(self.return_data.len()));
        if !in_bounds {
            return Err(HaltReason::ReturnDataOutOfBounds.into());
        }
        self.expand(range.as_ref())?;
        if let Some(range) = range {
            let data = self.return_data.clone();
            self.memory.set_padded(range, &data, offset);
        }
        Ok(())
    }

    /// `BLOCKHASH`: numbers beyond `u64` cannot be in any window.
    pub(crate) fn blockhash(&mut self, host: &mut dyn Host) -> Step {
        self.charge(gas::BLOCKHASH)?;
        let top = self.stack.top_mut()?;
        *top = u64::try_from(*top).map_or(U256::ZERO, |number| host.block_hash(number).into());
        Ok(())
    }

    /// `BLOBHASH` (EIP-4844): zero past the transaction's blob hashes.
    pub(crate) fn blobhash(&mut self, host: &mut dyn Host) -> Step {
        self.charge(gas::VERY_LOW)?;
        let top = self.stack.top_mut()?;
        *top = usize::try_from(*top).ok().and_then(|index| host.blob_hash(index)).map_or(U256::ZERO, Into::into);
        Ok(())
    }
}
