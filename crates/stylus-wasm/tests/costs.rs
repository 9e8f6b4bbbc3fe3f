//! Activation costs (reference §4.3, §5.6) and entry pricing (§1.1, §4.1–4.2, Appendix A).

mod common;

use common::{activate_with, activated, entrypoint, FIXED_MEMORY};
use stylus_wasm::activate::{ActivationParams, CostInputs, ProgramInfo};
use stylus_wasm::pricing::{
    cached_init_gas, call_init_gas, gas_to_ink, hostio, init_gas, ink_to_gas, memory_gas_cost, min_init_gas,
    StylusParams, MEMORY_EXPONENTS,
};

/// The `cargo stylus new` Counter of reference §4.5 (stylus-sdk 0.10.10, rustc 1.95.0, default
/// flags), as measured from the real program.
const COUNTER: CostInputs = CostInputs { funcs: 67, type_len: 168, wasm_len: 15_859, globals: 7, data_len: 779 };

#[test]
fn the_counter_costs_what_reference_4_5_computes() {
    let info = ProgramInfo::compute(COUNTER, 17, 2).expect("fits");
    // init: 67·8252/1000 + 168·1059/1000 + 15 859·1286/10 000 = 552 + 177 + 2039
    assert_eq!(info.init_cost, 2768);
    // cached: 8 + 0 + 19 + 7·1628/1000 + 779·75 244/100 000 + 17·5 = 8 + 0 + 19 + 11 + 586 + 85
    assert_eq!(info.cached_init_cost, 709);
    // asm: 512 000 + 66 787 + 1917 + 99 321
    assert_eq!(info.asm_estimate, 680_025);
    assert_eq!(info.asm_estimate_kb(), 665);
}

#[test]
fn stylus_version_1_folds_the_cached_cost_into_the_init_cost() {
    let info = ProgramInfo::compute(COUNTER, 17, 1).expect("fits");
    assert_eq!(info.init_cost, 2768 + 709);
    assert_eq!(info.cached_init_cost, 709);
}

#[test]
fn the_counter_entry_gas_matches_reference_4_5() {
    let params = StylusParams::default();
    let info = ProgramInfo::compute(COUNTER, 17, 2).expect("fits");
    assert_eq!(init_gas(&info, &params), 8832 + 2768);
    assert_eq!(cached_init_gas(&info, &params), 352 + 709);
    assert_eq!(call_init_gas(&info, &params, false), 12_661);
    assert_eq!(call_init_gas(&info, &params, true), 1061);
    assert_eq!(memory_gas_cost(info.footprint, 0, 0, &params), 15_008);

    let stack_flag = ProgramInfo::compute(
        CostInputs { funcs: 67, type_len: 168, wasm_len: 15_826, globals: 7, data_len: 778 },
        1,
        2,
    )
    .expect("fits");
    assert_eq!((stack_flag.init_cost, stack_flag.cached_init_cost), (2764, 628));
    assert_eq!(call_init_gas(&stack_flag, &params, false), 12_576);
    assert_eq!(call_init_gas(&stack_flag, &params, true), 980);
    assert_eq!(memory_gas_cost(1, 0, 0, &params), 0);
}

#[test]
fn version_1_entries_pay_the_init_gas_alone_and_its_minimum_is_72_units() {
    let params = StylusParams::for_arbos_version(30);
    assert_eq!((params.version, params.min_init_gas, params.max_stack_depth), (1, 72, 262_144));
    let info = ProgramInfo::compute(COUNTER, 17, 1).expect("fits");
    assert_eq!(call_init_gas(&info, &params, false), 9216 + 3477);
    assert_eq!(call_init_gas(&info, &params, true), 352 + 709);
    assert_eq!(min_init_gas(&params), (9216, 352));
}

#[test]
fn cost_scalars_round_up() {
    let params = StylusParams { init_cost_scalar: 1, cached_cost_scalar: 3, ..StylusParams::default() };
    let info = ProgramInfo::compute(COUNTER, 17, 2).expect("fits");
    // ceil(2768 × 2 / 100) = 56, ceil(709 × 6 / 100) = 43
    assert_eq!(init_gas(&info, &params), 8832 + 56);
    assert_eq!(cached_init_gas(&info, &params), 352 + 43);
}

#[test]
fn activation_measures_the_cost_inputs_of_the_program() {
    let wat = format!(
        r#"(module {FIXED_MEMORY}
             (global i32 (i32.const 1))
             (data (i32.const 0) "hello")
             (func (param i64 i32) (result i64) local.get 0)
             (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    );
    let bytes = common::wasm(&wat);
    let program = activated(&wat);
    let inputs = program.info.inputs;
    assert_eq!(inputs.funcs, 2);
    assert_eq!(inputs.type_len, 3 + 2);
    assert_eq!(inputs.wasm_len, bytes.len() as u64);
    assert_eq!(inputs.globals, 1 + 4);
    // The data entry's encoded bytes: flags 1 + offset 3 + length 1 + payload 5.
    assert_eq!(inputs.data_len, 10);
    assert_eq!(program.info.footprint, 1);
    assert_eq!(program.info, ProgramInfo::compute(inputs, 1, 2).expect("fits"));
}

#[test]
fn activation_gas_is_itemised_in_microseconds_times_28() {
    let wat = format!(
        r#"(module (memory (export "memory") 3 3)
             (data (i32.const 0) "{}")
             (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
        "0123456789".repeat(10)
    );
    let program = activated(&wat);
    let gas = program.activation_gas;
    let wasm_len = common::wasm(&wat).len() as u64;
    assert_eq!(gas.memory, 3 * 2217 * 28);
    assert_eq!(gas.data, 100 * 17_376 / 100_000 * 28);
    assert_eq!(gas.funcs, 0, "1 × 17 263 / 100 000 rounds to 0 µs");
    assert_eq!(gas.wasm, wasm_len * 31_733 / 100_000 * 28);
    assert_eq!(gas.instrumented_ops, count_code_operators(&program.module));
    assert_eq!(gas.code, gas.instrumented_ops * 535 / 1000 * 28);
    assert_eq!(gas.total(), gas.wasm + gas.funcs + gas.data + gas.elements + gas.memory + gas.code);

    let before_charging_fixes = activate_with(&wat, &ActivationParams::for_arbos_version(31)).expect("activates");
    assert_eq!(before_charging_fixes.activation_gas.wasm, 0);
}

fn count_code_operators(module: &[u8]) -> u64 {
    let mut count = 0;
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.expect("readable") {
            let mut ops = body.get_operators_reader().expect("readable");
            while !ops.eof() {
                ops.read().expect("readable");
                count += 1;
            }
        }
    }
    count
}

#[test]
fn instrumentation_counts_towards_the_operator_total() {
    // local.get + end = 2 operators; + 12 for the ink check, + 12 for the frame check, + 4 + 1 for
    // the reclaim and `return` before `end`.
    let program = activated(&entrypoint("local.get 0"));
    assert_eq!(program.activation_gas.instrumented_ops, 2 + 12 + 12 + 5);
}

#[test]
fn filling_128_pages_costs_31_999_998_gas_in_any_steps() {
    let params = StylusParams::default();
    for step in [1, 2, 3, 7, 16, 50, 128] {
        let (mut open, mut total) = (0u16, 0u64);
        while open < 128 {
            let pages = step.min(128 - open);
            total += memory_gas_cost(pages, open, open, &params);
            open += pages;
        }
        assert_eq!(total, 31_999_998, "steps of {step}");
    }
}

#[test]
fn more_than_128_pages_cannot_be_paid_for() {
    let params = StylusParams::default();
    assert_eq!(memory_gas_cost(129, 0, 0, &params), u64::MAX);
    // Go subtracts the peak's exponent from MaxUint64 before adding the linear part, as here.
    assert_eq!(memory_gas_cost(1, 128, 128, &params), u64::MAX - 31_873_999 + 1000);
}

#[test]
fn pages_already_paid_for_in_the_transaction_cost_only_the_linear_part() {
    let params = StylusParams::default();
    // Two free pages, then 1000 per page plus the exponential growth of the peak.
    assert_eq!(memory_gas_cost(2, 0, 0, &params), 0);
    assert_eq!(memory_gas_cost(3, 0, 0, &params), 1000 + 1 - 1);
    assert_eq!(memory_gas_cost(10, 0, 0, &params), 8000 + 3 - 1);
    // A second program reopening 10 pages after the first closed them: the peak is already 10.
    assert_eq!(memory_gas_cost(10, 0, 10, &params), 8000);
}

#[test]
fn the_exponent_table_is_floor_of_31_874_000_to_the_p_over_128() {
    let base = (31_874_000f64.ln() / 128.0).exp();
    for (pages, &exp) in MEMORY_EXPONENTS.iter().enumerate() {
        assert_eq!(exp as f64, base.powi(pages as i32).floor(), "page {pages}");
    }
}

#[test]
fn ink_converts_at_the_ink_price_and_loses_the_remainder() {
    assert_eq!(gas_to_ink(3, 10_000), 30_000);
    assert_eq!(gas_to_ink(u64::MAX, 10_000), u64::MAX);
    assert_eq!(ink_to_gas(29_999, 10_000), 2);
    assert_eq!(ink_to_gas(7, 0), 7);
}

#[test]
fn hostio_prices_match_reference_2() {
    assert_eq!(hostio::PTR_INK, 5040);
    assert_eq!(hostio::STORAGE_LOAD_BASE_INK, 18_480);
    assert_eq!(hostio::STORAGE_FLUSH_BASE_INK, 68_073);
    assert_eq!(hostio::TRANSIENT_LOAD_BASE_INK, 78_153);
    assert_eq!(hostio::CALL_CONTRACT_BASE_INK, 83_193);
    assert_eq!(hostio::CREATE2_BASE_INK, 88_233);
    assert_eq!(hostio::MSG_SENDER_BASE_INK, 13_440);
    assert_eq!(hostio::MATH_DIV_BASE_INK, 43_520);
    assert_eq!(hostio::MATH_POW_BASE_INK, 23_520);
    assert_eq!(hostio::MATH_ADD_MOD_BASE_INK, 49_560);
    assert_eq!(hostio::MATH_MUL_MOD_BASE_INK, 52_660);
    assert_eq!(hostio::write_price(32), 5040);
    assert_eq!(hostio::write_price(100), 5040 + 30 * 68);
    assert_eq!(hostio::read_price(64), 16_381 + 55 * 32);
    assert_eq!(hostio::keccak_price(64), 121_800);
    assert_eq!(hostio::keccak_price(65), 121_800 + 21_000);
    let mut exponent = [0u8; 32];
    assert_eq!(hostio::pow_price(&exponent), 20_500);
    exponent[31] = 3;
    assert_eq!(hostio::pow_price(&exponent), 38_000);
    exponent[0] = 1;
    assert_eq!(hostio::pow_price(&exponent), 580_500);
}
