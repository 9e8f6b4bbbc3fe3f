//! The state of one program invocation as its hostios see it: the frame, the storage cache, the
//! result buffer, and the ink held in the instrumented module's globals.

use alloy_primitives::{Address, Bytes, U256};
use wasmi::{Caller, Global, Memory, Val};

use super::StorageCache;
use crate::exec::DevEvm;

/// Why a program stopped before returning from `user_entrypoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// `exit_early(status)`.
    Exit(u32),
    /// A hostio could not be paid for.
    OutOfInk,
    /// A hostio failed (bad pointer, static-context write, too many topics, ...).
    Failure(String),
}

/// The frame a program runs in.
#[derive(Debug, Clone)]
pub struct ProgramFrame {
    /// The acting address: whose storage the program uses and who emits its logs.
    pub address: Address,
    /// `msg.sender`.
    pub caller: Address,
    /// `msg.value`.
    pub value: U256,
    /// Calldata.
    pub args: Bytes,
    /// Whether the frame may not change state.
    pub is_static: bool,
    /// Whether another non-delegate frame of `address` is already on the stack.
    pub reentrant: bool,
}

/// The instrumented module's exports the host needs.
#[derive(Clone, Copy)]
pub struct Handles {
    /// Linear memory.
    pub memory: Memory,
    /// `stylus_ink_left`.
    pub ink_left: Global,
    /// `stylus_ink_status`.
    pub ink_status: Global,
}

/// Store data of a program invocation.
pub struct ProgramEnv<'e, 'a> {
    /// The EVM, for state and nested calls.
    pub evm: &'e mut DevEvm<'a>,
    /// The frame.
    pub frame: ProgramFrame,
    /// The invocation's storage cache (reference §3).
    pub cache: StorageCache,
    /// What `write_result` stored last.
    pub result: Vec<u8>,
    /// Return data of the last call or create.
    pub return_data: Bytes,
    /// The last `(address, code)` `account_code` read: a repeat costs no gas (reference §2.2).
    pub last_code: Option<(Address, Bytes)>,
    /// Ink per gas.
    pub ink_price: u64,
    /// Set after instantiation.
    pub handles: Option<Handles>,
    /// Why the program stopped, when a hostio stopped it.
    pub escape: Option<Escape>,
    /// Gas refunded so far (EIP-3529: storage cleared, and the refunds of children that succeeded).
    pub refund: i64,
}

/// A hostio's result; the error only says "stop", the reason is in [`ProgramEnv::escape`].
pub type HostResult<T> = Result<T, wasmi::Error>;

/// Hostio-side access to the invocation.
pub trait EnvAccess<'e, 'a> {
    /// The store data.
    fn env(&mut self) -> &mut ProgramEnv<'e, 'a>;
    /// Stops the program for `escape`.
    fn escape<T>(&mut self, escape: Escape) -> HostResult<T>;
    /// Ink left.
    fn ink_left(&mut self) -> u64;
    /// Sets the ink left.
    fn set_ink_left(&mut self, ink: u64);
    /// Pays `ink`, or stops the program out of ink (leaving none, status 1, as Nitro's meter does).
    fn buy_ink(&mut self, ink: u64) -> HostResult<()>;
    /// Pays `gas` at the ink price.
    fn buy_gas(&mut self, gas: u64) -> HostResult<()>;
    /// Stops the program out of ink unless at least `gas` is left; pays nothing.
    fn require_gas(&mut self, gas: u64) -> HostResult<()>;
    /// Gas left.
    fn gas_left(&mut self) -> u64;
    /// Reads guest memory.
    fn read(&mut self, ptr: u32, len: u32) -> HostResult<Vec<u8>>;
    /// Reads a 32-byte word from guest memory.
    fn read_word(&mut self, ptr: u32) -> HostResult<[u8; 32]>;
    /// Reads a 20-byte address from guest memory.
    fn read_address(&mut self, ptr: u32) -> HostResult<Address>;
    /// Writes guest memory.
    fn write(&mut self, ptr: u32, data: &[u8]) -> HostResult<()>;
}

impl<'e, 'a> EnvAccess<'e, 'a> for Caller<'_, ProgramEnv<'e, 'a>> {
    fn env(&mut self) -> &mut ProgramEnv<'e, 'a> {
        self.data_mut()
    }

    fn escape<T>(&mut self, escape: Escape) -> HostResult<T> {
        let message = format!("{escape:?}");
        self.data_mut().escape = Some(escape);
        Err(wasmi::Error::new(message))
    }

    fn ink_left(&mut self) -> u64 {
        let Some(handles) = self.data().handles else { return 0 };
        match handles.ink_left.get(&*self) {
            Val::I64(ink) => ink as u64,
            _ => 0,
        }
    }

    fn set_ink_left(&mut self, ink: u64) {
        if let Some(handles) = self.data().handles {
            // The global is a mutable i64 created by the instrumentation; setting it cannot fail.
            let _ = handles.ink_left.set(&mut *self, Val::I64(ink as i64));
        }
    }

    fn buy_ink(&mut self, ink: u64) -> HostResult<()> {
        let left = self.ink_left();
        if left < ink {
            self.set_ink_left(0);
            if let Some(handles) = self.data().handles {
                let _ = handles.ink_status.set(&mut *self, Val::I32(1));
            }
            return self.escape(Escape::OutOfInk);
        }
        self.set_ink_left(left - ink);
        Ok(())
    }

    fn buy_gas(&mut self, gas: u64) -> HostResult<()> {
        let price = self.data().ink_price;
        self.buy_ink(gas.saturating_mul(price))
    }

    fn require_gas(&mut self, gas: u64) -> HostResult<()> {
        let price = self.data().ink_price;
        if self.ink_left() < gas.saturating_mul(price) {
            // Nitro's `require_ink` exhausts the meter just as a failed purchase does.
            return self.buy_ink(u64::MAX);
        }
        Ok(())
    }

    fn gas_left(&mut self) -> u64 {
        let price = self.data().ink_price.max(1);
        self.ink_left() / price
    }

    fn read(&mut self, ptr: u32, len: u32) -> HostResult<Vec<u8>> {
        let Some(handles) = self.data().handles else { return self.escape(Escape::Failure("no memory".into())) };
        let mut buffer = vec![0u8; len as usize];
        if handles.memory.read(&*self, ptr as usize, &mut buffer).is_err() {
            return self.escape(Escape::Failure(format!("memory read out of bounds: {len} bytes at {ptr}")));
        }
        Ok(buffer)
    }

    fn read_word(&mut self, ptr: u32) -> HostResult<[u8; 32]> {
        let bytes = self.read(ptr, 32)?;
        let mut word = [0u8; 32];
        word.copy_from_slice(&bytes);
        Ok(word)
    }

    fn read_address(&mut self, ptr: u32) -> HostResult<Address> {
        let bytes = self.read(ptr, 20)?;
        Ok(Address::from_slice(&bytes))
    }

    fn write(&mut self, ptr: u32, data: &[u8]) -> HostResult<()> {
        let Some(handles) = self.data().handles else { return self.escape(Escape::Failure("no memory".into())) };
        if handles.memory.write(&mut *self, ptr as usize, data).is_err() {
            return self.escape(Escape::Failure(format!("memory write out of bounds: {} bytes at {ptr}", data.len())));
        }
        Ok(())
    }
}
