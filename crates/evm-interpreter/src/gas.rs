//! EVM gas schedule (Prague) and the pure cost functions the interpreter charges.
//!
//! Public so that the devnet's Stylus hostios charge exactly what the equivalent EVM opcode
//! would. Every function saturates at `u64::MAX` instead of overflowing: no gas limit can pay
//! such a cost, so a saturated value simply runs out of gas.

use alloy_primitives::U256;

/// `JUMPDEST`.
pub const JUMPDEST: u64 = 1;
/// The cheapest tier: environment reads such as `ADDRESS`, `PC`, `POP`, `PUSH0`.
pub const BASE: u64 = 2;
/// Arithmetic, comparisons, `PUSH`/`DUP`/`SWAP`, `MLOAD`/`MSTORE`, `CALLDATALOAD`, `BLOBHASH`.
pub const VERY_LOW: u64 = 3;
/// `MUL`, `DIV`, `SDIV`, `MOD`, `SMOD`, `SIGNEXTEND`, `SELFBALANCE`.
pub const LOW: u64 = 5;
/// `ADDMOD`, `MULMOD`, `JUMP`.
pub const MID: u64 = 8;
/// `JUMPI`.
pub const HIGH: u64 = 10;
/// `EXP` before the per-byte part.
pub const EXP: u64 = 10;
/// `EXP` per byte of the exponent.
pub const EXP_BYTE: u64 = 50;
/// `BLOCKHASH`.
pub const BLOCKHASH: u64 = 20;
/// One word of linear memory cost.
pub const MEMORY_WORD: u64 = 3;
/// `KECCAK256` before the per-word part.
pub const KECCAK256: u64 = 30;
/// `KECCAK256` (and `CREATE2` address hashing) per word of input.
pub const KECCAK256_WORD: u64 = 6;
/// Per word copied by the `*COPY` opcodes.
pub const COPY_WORD: u64 = 3;
/// `LOG*` before topics and data.
pub const LOG: u64 = 375;
/// Per `LOG` topic.
pub const LOG_TOPIC: u64 = 375;
/// Per byte of `LOG` data.
pub const LOG_DATA_BYTE: u64 = 8;
/// EIP-2929: any access to an account or slot already in the access list.
pub const WARM_ACCESS: u64 = 100;
/// EIP-2929: first access to an account in the transaction.
pub const COLD_ACCOUNT_ACCESS: u64 = 2600;
/// EIP-2929: first access to a storage slot in the transaction.
pub const COLD_SLOAD: u64 = 2100;
/// `SSTORE` of a nonzero value into a slot whose original and current value are zero.
pub const SSTORE_SET: u64 = 20_000;
/// `SSTORE` changing a slot whose original and current value are equal and nonzero, cold part
/// included (EIP-2929 charges `SSTORE_RESET - COLD_SLOAD` warm).
pub const SSTORE_RESET: u64 = 5000;
/// EIP-3529: refund for clearing a slot that was nonzero at the start of the transaction.
pub const SSTORE_CLEARS_REFUND: i64 = 4800;
/// EIP-2200: `SSTORE` halts out of gas when no more than this much gas is left, so that a
/// callee given only the call stipend can never write storage.
pub const SSTORE_SENTRY: u64 = 2300;
/// Gas added for free to a call that transfers value.
pub const CALL_STIPEND: u64 = 2300;
/// A call that transfers value.
pub const CALL_VALUE: u64 = 9000;
/// A `CALL` with value to an account that is empty (EIP-161), or `SELFDESTRUCT` of a
/// nonzero balance to one.
pub const NEW_ACCOUNT: u64 = 25_000;
/// `CREATE` and `CREATE2` before init code and memory.
pub const CREATE: u64 = 32_000;
/// EIP-3860: per word of init code.
pub const INITCODE_WORD: u64 = 2;
/// Per byte of code stored by a successful create.
pub const CODE_DEPOSIT_BYTE: u64 = 200;
/// `SELFDESTRUCT` before access and new-account costs.
pub const SELFDESTRUCT: u64 = 5000;
/// `TLOAD` and `TSTORE` (EIP-1153).
pub const TRANSIENT: u64 = WARM_ACCESS;
/// EIP-170: the largest code a create may deposit.
pub const MAX_CODE_SIZE: usize = 24_576;
/// EIP-3860: the largest init code `CREATE`/`CREATE2` accept.
pub const MAX_INITCODE_SIZE: usize = 2 * MAX_CODE_SIZE;

/// Number of 32-byte words needed to hold `len` bytes.
#[must_use]
pub const fn words(len: u64) -> u64 {
    len.div_ceil(32)
}

/// Total cost of a memory of `words` words: `3·w + w²/512`.
#[must_use]
pub const fn memory_cost(words: u64) -> u64 {
    let linear = words.saturating_mul(MEMORY_WORD);
    let quadratic = words.saturating_mul(words) / 512;
    linear.saturating_add(quadratic)
}

/// Cost of growing memory from `current_words` to `new_words` words; zero when it does not grow.
#[must_use]
pub const fn memory_expansion_cost(current_words: u64, new_words: u64) -> u64 {
    if new_words <= current_words {
        0
    } else {
        memory_cost(new_words).saturating_sub(memory_cost(current_words))
    }
}

/// EIP-2929 cost of touching an account (`BALANCE`, `EXTCODE*`, the access part of `CALL*`).
#[must_use]
pub const fn account_access_cost(is_cold: bool) -> u64 {
    if is_cold {
        COLD_ACCOUNT_ACCESS
    } else {
        WARM_ACCESS
    }
}

/// EIP-2929 cost of `SLOAD`.
#[must_use]
pub const fn sload_cost(is_cold: bool) -> u64 {
    if is_cold {
        COLD_SLOAD
    } else {
        WARM_ACCESS
    }
}

/// `SSTORE` cost and refund-counter change under EIP-2200 as amended by EIP-2929 and EIP-3529.
///
/// `original` is the slot's value at the start of the transaction, `current` its value before
/// this store, `new` the value stored. The caller must first enforce [`SSTORE_SENTRY`].
/// Returns `(gas, refund_delta)`; the delta may be negative when an earlier refund is undone.
#[must_use]
pub fn sstore_cost(original: U256, current: U256, new: U256, is_cold: bool) -> (u64, i64) {
    let cold = if is_cold { COLD_SLOAD } else { 0 };
    let gas = if current == new || original != current {
        WARM_ACCESS
    } else if original.is_zero() {
        SSTORE_SET
    } else {
        SSTORE_RESET - COLD_SLOAD
    };

    let mut refund = 0i64;
    if current != new {
        if !original.is_zero() {
            if current.is_zero() {
                // A clear refunded by an earlier store in this transaction is being undone.
                refund -= SSTORE_CLEARS_REFUND;
            } else if new.is_zero() {
                refund += SSTORE_CLEARS_REFUND;
            }
        }
        if original == new {
            // Restoring the original value: give back what the first write charged beyond a
            // warm access.
            let first_write = if original.is_zero() { SSTORE_SET } else { SSTORE_RESET - COLD_SLOAD };
            refund += (first_write - WARM_ACCESS) as i64;
        }
    }
    (cold + gas, refund)
}

/// Everything a `CALL`-family opcode charges besides memory expansion and the gas it forwards:
/// warm/cold access, [`CALL_VALUE`] when value is transferred, and [`NEW_ACCOUNT`] when a `CALL`
/// sends value to an empty account (pass `creates_account` only in that case).
#[must_use]
pub const fn call_cost(is_cold: bool, transfers_value: bool, creates_account: bool) -> u64 {
    let mut cost = account_access_cost(is_cold);
    if transfers_value {
        cost += CALL_VALUE;
    }
    if creates_account {
        cost += NEW_ACCOUNT;
    }
    cost
}

/// EIP-150: the most gas a frame with `gas_left` may hand to a child, all but one 64th.
#[must_use]
pub const fn max_call_gas(gas_left: u64) -> u64 {
    gas_left - gas_left / 64
}

/// `LOG*` cost before memory expansion.
#[must_use]
pub const fn log_cost(topics: u64, data_len: u64) -> u64 {
    LOG.saturating_add(LOG_TOPIC.saturating_mul(topics)).saturating_add(LOG_DATA_BYTE.saturating_mul(data_len))
}

/// `KECCAK256` cost before memory expansion.
#[must_use]
pub const fn keccak256_cost(len: u64) -> u64 {
    KECCAK256.saturating_add(KECCAK256_WORD.saturating_mul(words(len)))
}

/// Per-word part of a copy of `len` bytes (`CALLDATACOPY`, `CODECOPY`, `EXTCODECOPY`,
/// `RETURNDATACOPY`, `MCOPY`); the opcode's base cost and memory expansion come on top.
#[must_use]
pub const fn copy_cost(len: u64) -> u64 {
    COPY_WORD.saturating_mul(words(len))
}

/// `EXP` cost: [`EXP`] plus [`EXP_BYTE`] per significant byte of the exponent.
#[must_use]
pub fn exp_cost(exponent: U256) -> u64 {
    // At most 32 bytes, so no overflow.
    EXP + EXP_BYTE * exponent.byte_len() as u64
}

/// `CREATE` (`is_create2 == false`) or `CREATE2` cost before memory expansion, for init code of
/// `init_code_len` bytes: the base cost, EIP-3860's per-word charge and, for `CREATE2`, hashing
/// the init code for the address.
#[must_use]
pub const fn create_cost(init_code_len: u64, is_create2: bool) -> u64 {
    let words = words(init_code_len);
    let mut cost = CREATE.saturating_add(INITCODE_WORD.saturating_mul(words));
    if is_create2 {
        cost = cost.saturating_add(KECCAK256_WORD.saturating_mul(words));
    }
    cost
}

/// Cost of storing `code_len` bytes of code after a successful create; the host charges it.
#[must_use]
pub const fn code_deposit_cost(code_len: u64) -> u64 {
    CODE_DEPOSIT_BYTE.saturating_mul(code_len)
}

/// `SELFDESTRUCT` cost: the base cost, the beneficiary's cold access, and [`NEW_ACCOUNT`] when a
/// nonzero balance goes to an empty (EIP-161) beneficiary.
#[must_use]
pub const fn selfdestruct_cost(beneficiary_is_cold: bool, beneficiary_is_empty: bool, has_balance: bool) -> u64 {
    let mut cost = SELFDESTRUCT;
    if beneficiary_is_cold {
        cost += COLD_ACCOUNT_ACCESS;
    }
    if beneficiary_is_empty && has_balance {
        cost += NEW_ACCOUNT;
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_cost_matches_the_yellow_paper_formula() {
        assert_eq!(memory_cost(0), 0);
        assert_eq!(memory_cost(1), 3);
        assert_eq!(memory_cost(32), 98);
        assert_eq!(memory_cost(1024), 3 * 1024 + 2048);
        assert_eq!(memory_expansion_cost(1, 32), 95);
        assert_eq!(memory_expansion_cost(32, 1), 0);
        assert_eq!(memory_cost(u64::MAX), u64::MAX);
    }

    #[test]
    fn call_gas_rules() {
        assert_eq!(max_call_gas(6400), 6300);
        assert_eq!(max_call_gas(63), 63);
        assert_eq!(call_cost(false, false, false), 100);
        assert_eq!(call_cost(true, true, true), 2600 + 9000 + 25_000);
    }

    #[test]
    fn per_word_costs_round_up() {
        assert_eq!(keccak256_cost(0), 30);
        assert_eq!(keccak256_cost(33), 42);
        assert_eq!(copy_cost(32), 3);
        assert_eq!(copy_cost(33), 6);
        assert_eq!(log_cost(2, 10), 375 + 750 + 80);
        assert_eq!(create_cost(33, false), 32_004);
        assert_eq!(create_cost(33, true), 32_016);
        assert_eq!(exp_cost(U256::ZERO), 10);
        assert_eq!(exp_cost(U256::from(256)), 110);
        assert_eq!(selfdestruct_cost(true, true, true), 32_600);
        assert_eq!(selfdestruct_cost(false, true, false), 5000);
    }

    #[test]
    fn sstore_cost_covers_eip_2200_cases() {
        let (zero, one, two) = (U256::ZERO, U256::from(1), U256::from(2));
        // No-op and dirty writes cost a warm access.
        assert_eq!(sstore_cost(one, one, one, false), (100, 0));
        assert_eq!(sstore_cost(zero, one, two, false), (100, 0));
        // Fresh writes.
        assert_eq!(sstore_cost(zero, zero, one, false), (20_000, 0));
        assert_eq!(sstore_cost(one, one, two, true), (2100 + 2900, 0));
        assert_eq!(sstore_cost(one, one, zero, false), (2900, 4800));
        // Dirty writes adjusting refunds.
        assert_eq!(sstore_cost(one, zero, two, false), (100, -4800));
        assert_eq!(sstore_cost(one, zero, one, false), (100, -4800 + 2800));
        assert_eq!(sstore_cost(zero, one, zero, false), (100, 19_900));
        assert_eq!(sstore_cost(one, two, one, false), (100, 2800));
    }
}
