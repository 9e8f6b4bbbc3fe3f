//! The EVM state a program's hostios read and write, through revm's journal: the same accounts,
//! slots, warm sets and logs EVM code sees, so a revert anywhere undoes both VMs' changes.

use alloy_primitives::{Address, Bytes, B256, U256};
use revm::{bytecode::Bytecode, interpreter::SStoreResult};

use crate::exec::DevContext;

/// A value and whether reading it was the transaction's first access (EIP-2929).
pub struct Access<T> {
    /// The value.
    pub value: T,
    /// Whether it was cold.
    pub cold: bool,
}

/// Reads a storage slot of `address`.
pub fn sload(ctx: &mut DevContext<'_>, address: Address, key: U256) -> Access<U256> {
    let journal = &mut ctx.journaled_state;
    match journal.inner.sload(&mut journal.database, address, key, false) {
        Ok(slot) => Access { value: slot.data, cold: slot.is_cold },
        // The in-memory database cannot fail and the load never skips a cold slot.
        Err(_) => Access { value: U256::ZERO, cold: true },
    }
}

/// Writes a storage slot of `address`; returns the original, present and new values.
pub fn sstore(ctx: &mut DevContext<'_>, address: Address, key: U256, value: U256) -> Access<SStoreResult> {
    let journal = &mut ctx.journaled_state;
    match journal.inner.sstore(&mut journal.database, address, key, value, false) {
        Ok(write) => Access { value: write.data, cold: write.is_cold },
        // As for `sload`: cannot happen.
        Err(_) => Access { value: SStoreResult::default(), cold: true },
    }
}

/// What an account looks like to the account and call hostios.
pub struct AccountView {
    /// Balance.
    pub balance: U256,
    /// Code, as revm analysed it.
    pub bytecode: Bytecode,
    /// keccak256 of the code.
    pub raw_code_hash: B256,
    /// EIP-161 empty: no nonce, balance or code.
    pub empty: bool,
}

impl AccountView {
    /// The code's bytes (empty for an account without code).
    pub fn code(&self) -> Bytes {
        self.bytecode.original_bytes()
    }

    /// EXTCODEHASH's answer (EIP-1052 with EIP-161): zero for an empty account.
    pub fn ext_code_hash(&self) -> B256 {
        if self.empty {
            B256::ZERO
        } else {
            self.raw_code_hash
        }
    }
}

/// Loads an account with its code, warming it.
pub fn account(ctx: &mut DevContext<'_>, address: Address) -> Access<AccountView> {
    let journal = &mut ctx.journaled_state;
    match journal.inner.load_code(&mut journal.database, address) {
        Ok(load) => {
            let account = load.data;
            let info = &account.info;
            let view = AccountView {
                balance: info.balance,
                bytecode: info.code.clone().unwrap_or_default(),
                raw_code_hash: info.code_hash,
                empty: account.is_empty(),
            };
            Access { value: view, cold: load.is_cold }
        }
        // As for `sload`: cannot happen.
        Err(_) => Access {
            value: AccountView {
                balance: U256::ZERO,
                bytecode: Bytecode::default(),
                raw_code_hash: revm::primitives::KECCAK_EMPTY,
                empty: true,
            },
            cold: true,
        },
    }
}
