//! Writing what revm's journal ended a transaction with into the chain's state, recording each
//! change in the undo log.

use revm::state::EvmState;

use crate::state::{StateChange, StateWriter, WorldState};

/// Applies a finished transaction's accounts to `state`: balances, nonces, code and changed slots
/// of the accounts it touched; self-destructed accounts and touched accounts left empty (EIP-161)
/// are removed. Returns the undo log.
pub fn apply(state: &mut WorldState, accounts: EvmState) -> Vec<StateChange> {
    let mut writer = StateWriter::new(state);
    for (address, account) in accounts {
        if !account.is_touched() {
            continue;
        }
        if account.is_selfdestructed() || account.is_empty() {
            writer.remove_account(address);
            continue;
        }
        writer.set_balance(address, account.info.balance);
        writer.set_nonce(address, account.info.nonce);
        if let Some(code) = &account.info.code {
            writer.set_code(address, code.original_bytes());
        }
        for (key, slot) in account.storage.iter().filter(|(_, slot)| slot.is_changed()) {
            writer.set_storage(address, *key, slot.present_value);
        }
    }
    writer.finish()
}
