//! The host functions a Stylus program may import, with the exact types Nitro links them with
//! (reference §2.3; `crates/wasm-libraries/forward/lib.rs`, `crates/prover/src/host.rs`).

use wasmparser::ValType::{self, F32, F64, I32, I64};

/// One importable host function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hostio {
    /// The import's field name.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result types.
    pub results: &'static [ValType],
}

const fn hostio(name: &'static str, params: &'static [ValType], results: &'static [ValType]) -> Hostio {
    Hostio { name, params, results }
}

/// The module every program imports its host functions from.
pub const VM_HOOKS_MODULE: &str = "vm_hooks";

/// The module of the debug-only logging imports.
pub const CONSOLE_MODULE: &str = "console";

/// The 42 `vm_hooks` imports, in Nitro's order (the order matters to the prover).
pub const VM_HOOKS: [Hostio; 42] = [
    hostio("read_args", &[I32], &[]),
    hostio("write_result", &[I32, I32], &[]),
    hostio("exit_early", &[I32], &[]),
    hostio("storage_load_bytes32", &[I32, I32], &[]),
    hostio("storage_cache_bytes32", &[I32, I32], &[]),
    hostio("storage_flush_cache", &[I32], &[]),
    hostio("transient_load_bytes32", &[I32, I32], &[]),
    hostio("transient_store_bytes32", &[I32, I32], &[]),
    hostio("call_contract", &[I32, I32, I32, I32, I64, I32], &[I32]),
    hostio("delegate_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    hostio("static_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    hostio("create1", &[I32, I32, I32, I32, I32], &[]),
    hostio("create2", &[I32, I32, I32, I32, I32, I32], &[]),
    hostio("read_return_data", &[I32, I32, I32], &[I32]),
    hostio("return_data_size", &[], &[I32]),
    hostio("emit_log", &[I32, I32, I32], &[]),
    hostio("account_balance", &[I32, I32], &[]),
    hostio("account_code", &[I32, I32, I32, I32], &[I32]),
    hostio("account_code_size", &[I32], &[I32]),
    hostio("account_codehash", &[I32, I32], &[]),
    hostio("evm_gas_left", &[], &[I64]),
    hostio("evm_ink_left", &[], &[I64]),
    hostio("block_basefee", &[I32], &[]),
    hostio("chainid", &[], &[I64]),
    hostio("block_coinbase", &[I32], &[]),
    hostio("block_gas_limit", &[], &[I64]),
    hostio("block_number", &[], &[I64]),
    hostio("block_timestamp", &[], &[I64]),
    hostio("contract_address", &[I32], &[]),
    hostio("math_div", &[I32, I32], &[]),
    hostio("math_mod", &[I32, I32], &[]),
    hostio("math_pow", &[I32, I32], &[]),
    hostio("math_add_mod", &[I32, I32, I32], &[]),
    hostio("math_mul_mod", &[I32, I32, I32], &[]),
    hostio("msg_reentrant", &[], &[I32]),
    hostio("msg_sender", &[I32], &[]),
    hostio("msg_value", &[I32], &[]),
    hostio("native_keccak256", &[I32, I32, I32], &[]),
    hostio("tx_gas_price", &[I32], &[]),
    hostio("tx_ink_price", &[], &[I32]),
    hostio("tx_origin", &[I32], &[]),
    hostio("pay_for_memory_grow", &[I32], &[]),
];

/// The `console` imports, accepted only on debug chains (`AllowDebugPrecompiles`).
pub const CONSOLE: [Hostio; 9] = [
    hostio("log_txt", &[I32, I32], &[]),
    hostio("log_i32", &[I32], &[]),
    hostio("log_i64", &[I64], &[]),
    hostio("log_f32", &[F32], &[]),
    hostio("log_f64", &[F64], &[]),
    hostio("tee_i32", &[I32], &[I32]),
    hostio("tee_i64", &[I64], &[I64]),
    hostio("tee_f32", &[F32], &[F32]),
    hostio("tee_f64", &[F64], &[F64]),
];

/// The host function `module.name` names, if Nitro has one, and whether it is debug-only.
pub fn lookup(module: &str, name: &str) -> Option<(&'static Hostio, bool)> {
    let (table, debug_only) = match module {
        VM_HOOKS_MODULE => (&VM_HOOKS[..], false),
        CONSOLE_MODULE => (&CONSOLE[..], true),
        _ => return None,
    };
    table.iter().find(|hostio| hostio.name == name).map(|hostio| (hostio, debug_only))
}
