//! Every activation rule of reference §1.6, §1.7, §5.3–5.5, one module per rule.

mod common;

use common::{
    activate_with, activated, debug_chain, entrypoint, overlong_call_indirect_module, rejection, wasm, FIXED_MEMORY,
};
use stylus_wasm::activate::{activate, ActivationError as E, ActivationParams};

const ENTRY: &str = r#"(func (export "user_entrypoint") (param i32) (result i32) i32.const 0)"#;

fn module(parts: &str) -> String {
    format!("(module {parts})")
}

fn repeat(item: &str, count: usize) -> String {
    (0..count).map(|_| item).collect::<Vec<_>>().join(" ")
}

// --- what activates ------------------------------------------------------------------------

#[test]
fn a_minimal_program_activates() {
    let program = activated(&module(&format!("{FIXED_MEMORY} {ENTRY}")));
    assert_eq!(program.info.footprint, 1);
    assert_eq!(program.info.inputs.globals, 4);
}

#[test]
fn the_instrumented_module_passes_nitros_validator_and_exports_only_what_the_host_needs() {
    let program = activated(
        r#"(module
             (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
             (memory (export "memory") 2)
             (global $g (mut i32) (i32.const 5))
             (func $helper (export "helper") (result i32) global.get $g)
             (func (export "user_entrypoint") (param i32) (result i32)
               i32.const 0 i32.const 0 local.get 0 memory.fill
               local.get 0 memory.grow drop
               call $helper))"#,
    );
    let features = wasmparser::WasmFeatures::MUTABLE_GLOBAL
        | wasmparser::WasmFeatures::SATURATING_FLOAT_TO_INT
        | wasmparser::WasmFeatures::SIGN_EXTENSION
        | wasmparser::WasmFeatures::BULK_MEMORY
        | wasmparser::WasmFeatures::FLOATS
        | wasmparser::WasmFeatures::GC_TYPES;
    wasmparser::Validator::new_with_features(features).validate_all(&program.module).expect("valid for Nitro");

    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&program.module) {
        if let wasmparser::Payload::ExportSection(reader) = payload.expect("readable") {
            exports.extend(reader.into_iter().map(|export| export.expect("readable").name.to_owned()));
        }
    }
    assert_eq!(
        exports,
        [
            "memory",
            "user_entrypoint",
            "stylus_ink_left",
            "stylus_ink_status",
            "stylus_scratch_global",
            "stylus_stack_left"
        ]
    );
}

#[test]
fn float_loads_stores_constants_and_reinterpretations_activate() {
    activated(&entrypoint(
        "i32.const 0 f32.const 1.5 f32.store
         i32.const 8 i32.const 0 f64.load f64.store
         i32.const 0 f32.load i32.reinterpret_f32 drop
         i64.const 1 f64.reinterpret_i64 i64.reinterpret_f64 i32.wrap_i64",
    ));
}

#[test]
fn passive_segments_are_skipped() {
    activated(&module(&format!(
        r#"{FIXED_MEMORY} (table 1 funcref) (func $f) (elem func $f) (data "never copied") {ENTRY}"#
    )));
}

#[test]
fn multi_value_activates_before_arbos_60_and_is_refused_from_it() {
    let pair = module(&format!("{FIXED_MEMORY} (func (result i32 i32) i32.const 1 i32.const 2) {ENTRY}"));
    let typed_block = entrypoint("local.get 0 (block (param i32) (result i32)) ");
    for wat in [&pair, &typed_block] {
        assert!(activate_with(wat, &ActivationParams::for_arbos_version(59)).is_ok());
        let err = activate_with(wat, &ActivationParams::for_arbos_version(60)).unwrap_err();
        assert!(matches!(err, E::Invalid(_)), "{err}");
    }
}

#[test]
fn debug_chains_keep_every_export_and_move_the_start_function_to_stylus_start() {
    let wat = module(&format!(r#"{FIXED_MEMORY} (func $init) (start $init) (func (export "extra")) {ENTRY}"#));
    assert_eq!(rejection(&wat), E::StartFunction);
    let program = activate_with(&wat, &debug_chain()).expect("debug chains allow start functions");
    let names: Vec<String> = wasmparser::Parser::new(0)
        .parse_all(&program.module)
        .filter_map(|payload| match payload.expect("readable") {
            wasmparser::Payload::ExportSection(reader) => Some(reader),
            _ => None,
        })
        .flat_map(|reader| reader.into_iter().map(|export| export.expect("readable").name.to_owned()))
        .collect();
    assert!(names.iter().any(|name| name == "extra"));
    assert!(names.iter().any(|name| name == "stylus_start"));
}

#[test]
fn console_imports_need_a_debug_chain() {
    let wat = module(&format!(r#"(import "console" "log_i32" (func (param i32))) {FIXED_MEMORY} {ENTRY}"#));
    assert_eq!(rejection(&wat), E::DebugImport { module: "console".into(), name: "log_i32".into() });
    assert!(activate_with(&wat, &debug_chain()).is_ok());
}

#[test]
fn a_module_without_local_functions_is_not_refused() {
    // Nitro's "Module has no code" check counts its internal functions, so it never fires.
    let wat = module(&format!(
        r#"(import "vm_hooks" "account_code_size" (func $size (param i32) (result i32)))
           {FIXED_MEMORY} (export "user_entrypoint" (func $size))"#
    ));
    assert_eq!(activated(&wat).info.inputs.funcs, 0);
}

// --- validation (reference §5.3) -------------------------------------------------------------

#[test]
fn an_overlong_call_indirect_table_index_fails_validation_with_zero_byte_expected() {
    let err = activate(&overlong_call_indirect_module(), &ActivationParams::default()).unwrap_err();
    assert!(matches!(&err, E::Invalid(message) if message.contains("zero byte expected")), "{err}");
}

#[test]
fn proposals_stylus_does_not_enable_fail_validation() {
    let cases = [
        ("simd", entrypoint("v128.const i64x2 0 0 drop i32.const 0")),
        ("reference types", entrypoint("ref.null func drop i32.const 0")),
        ("threads", module(&format!(r#"(memory (export "memory") 1 1 shared) {ENTRY}"#))),
        (
            "tail calls",
            module(&format!(
                r#"{FIXED_MEMORY} (func $f (result i32) i32.const 0)
                   (func (export "user_entrypoint") (param i32) (result i32) return_call $f)"#
            )),
        ),
        (
            "extended const",
            module(&format!("{FIXED_MEMORY} (global i32 (i32.add (i32.const 1) (i32.const 2))) {ENTRY}")),
        ),
    ];
    for (proposal, wat) in cases {
        let err = rejection(&wat);
        assert!(matches!(err, E::Invalid(_)), "{proposal}: {err}");
    }
}

#[test]
fn non_funcref_tables_are_refused() {
    let err = rejection(&module(&format!("(table 1 externref) {FIXED_MEMORY} {ENTRY}")));
    assert!(matches!(err, E::Invalid(_)), "{err}");
}

#[test]
fn float_arithmetic_comparisons_and_conversions_are_refused() {
    for body in [
        "f32.const 1 f32.const 2 f32.add drop i32.const 0",
        "f64.const 1 f64.const 2 f64.lt",
        "local.get 0 f64.convert_i32_s drop i32.const 0",
        "f32.const 1 i32.trunc_sat_f32_s",
        "f32.const 1 f64.promote_f32 drop i32.const 0",
    ] {
        let err = rejection(&entrypoint(body));
        assert!(matches!(err, E::FloatOperation { func: 0, .. }), "{body}: {err}");
        assert!(err.to_string().starts_with("No implementation for floating point operation"));
    }
}

#[test]
fn bulk_memory_operators_other_than_fill_and_copy_are_refused() {
    let table = r#"(table 2 funcref) (func $f) (elem $passive func $f)"#;
    for body in [
        "elem.drop $passive",
        "i32.const 0 i32.const 0 i32.const 1 table.copy",
        "i32.const 0 i32.const 0 i32.const 1 table.init $passive",
    ] {
        let wat = module(&format!(
            r#"{FIXED_MEMORY} {table} (func (export "user_entrypoint") (param i32) (result i32) {body} i32.const 0)"#
        ));
        assert!(matches!(rejection(&wat), E::OpcodeNotSupported { func: 1, .. }), "{body}");
    }
}

#[test]
fn memory_init_brings_a_datacount_section_which_nitro_refuses() {
    let wat = module(&format!(
        r#"{FIXED_MEMORY} (data $d "abc")
           (func (export "user_entrypoint") (param i32) (result i32)
             i32.const 0 i32.const 0 i32.const 1 memory.init $d i32.const 0)"#
    ));
    assert_eq!(rejection(&wat), E::UnsupportedSection("DataCountSection"));
}

#[test]
fn unknown_sections_are_refused() {
    let mut bytes = wasm(&module(&format!("{FIXED_MEMORY} {ENTRY}")));
    bytes.extend_from_slice(&[0x7f, 0x01, 0x00]);
    assert!(activate(&bytes, &ActivationParams::default()).is_err());
}

#[test]
fn imports_must_be_functions_which_also_rules_out_global_initialisers_that_read_globals() {
    let imported_global = module(&format!(
        r#"(import "vm_hooks" "g" (global $g i32)) (global i32 (global.get $g)) {FIXED_MEMORY} {ENTRY}"#
    ));
    assert_eq!(rejection(&imported_global), E::UnsupportedImportKind { module: "vm_hooks".into(), name: "g".into() });
    let imported_memory = module(&format!(r#"(import "vm_hooks" "m" (memory 1)) {ENTRY}"#));
    assert!(matches!(rejection(&imported_memory), E::UnsupportedImportKind { .. }));
}

#[test]
fn data_must_fit_in_the_initial_memory() {
    let at =
        |offset: &str, bytes: &str| module(&format!(r#"{FIXED_MEMORY} (data (i32.const {offset}) "{bytes}") {ENTRY}"#));
    activated(&at("65534", "ab"));
    assert_eq!(rejection(&at("65535", "ab")), E::DataOutOfBounds { offset: 65_535, len: 2 });
    assert_eq!(rejection(&at("-1", "a")), E::DataOutOfBounds { offset: -1, len: 1 });
}

#[test]
fn element_segments_must_fit_in_their_table() {
    let at = |offset: u32| {
        module(&format!(r#"{FIXED_MEMORY} (table 2 funcref) (func $f) (elem (i32.const {offset}) $f $f) {ENTRY}"#))
    };
    activated(&at(0));
    assert_eq!(rejection(&at(1)), E::ElementOutOfBounds { offset: 1, len: 2, table_len: 2 });
}

// --- names (reference §5.5) ------------------------------------------------------------------

#[test]
fn the_entry_point_must_exist_and_have_type_i32_to_i32() {
    assert_eq!(rejection(&module(FIXED_MEMORY)), E::MissingEntrypoint);
    let wrong =
        module(&format!(r#"{FIXED_MEMORY} (func (export "user_entrypoint") (param i64) (result i32) i32.const 0)"#));
    assert_eq!(rejection(&wrong), E::EntrypointType("(i64) -> (i32)".into()));
    let global = module(&format!(r#"{FIXED_MEMORY} (global (export "user_entrypoint") i32 (i32.const 0))"#));
    assert_eq!(rejection(&global), E::MissingEntrypoint, "non-debug chains drop a non-function export");
    assert_eq!(activate_with(&global, &debug_chain()).unwrap_err(), E::EntrypointNotFunction("Global"));
}

#[test]
fn the_memory_must_exist_and_be_exported_as_memory() {
    assert_eq!(rejection(&module(ENTRY)), E::MissingMemory);
    assert_eq!(rejection(&module(&format!("(memory 1 1) {ENTRY}"))), E::MemoryNotExported);
    assert_eq!(rejection(&module(&format!(r#"(memory (export "mem") 1 1) {ENTRY}"#))), E::MemoryNotExported);
}

#[test]
fn a_growable_memory_needs_pay_for_memory_grow_with_the_right_type() {
    let growable = |import: &str| module(&format!(r#"{import} (memory (export "memory") 1) {ENTRY}"#));
    assert_eq!(rejection(&growable("")), E::MissingPayForMemoryGrow);
    assert_eq!(rejection(&module(&format!(r#"(memory (export "memory") 1 2) {ENTRY}"#))), E::MissingPayForMemoryGrow);
    assert_eq!(
        rejection(&growable(r#"(import "vm_hooks" "pay_for_memory_grow" (func (param i64)))"#)),
        E::PayForMemoryGrowType("(i64) -> ()".into())
    );
    activated(&growable(r#"(import "vm_hooks" "pay_for_memory_grow" (func (param i32)))"#));
}

#[test]
fn only_vm_hooks_with_their_exact_types_may_be_imported() {
    let import = |module_name: &str, name: &str, ty: &str| {
        module(&format!(r#"(import "{module_name}" "{name}" (func {ty})) {FIXED_MEMORY} {ENTRY}"#))
    };
    assert_eq!(
        rejection(&import("vm_hooks", "self_destruct", "(param i32)")),
        E::UnknownImport { module: "vm_hooks".into(), name: "self_destruct".into() }
    );
    assert_eq!(
        rejection(&import("env", "read_args", "(param i32)")),
        E::UnknownImport { module: "env".into(), name: "read_args".into() }
    );
    assert_eq!(
        rejection(&import("vm_hooks", "read_args", "(param i32) (result i32)")),
        E::ImportSignature {
            module: "vm_hooks".into(),
            name: "read_args".into(),
            expected: "(i32) -> ()".into(),
            have: "(i32) -> (i32)".into()
        }
    );
    assert_eq!(
        rejection(&import("debug", "null_host", "")),
        E::UnknownImport { module: "debug".into(), name: "null_host".into() }
    );
    activated(&import("vm_hooks", "call_contract", "(param i32 i32 i32 i32 i64 i32) (result i32)"));
}

#[test]
fn names_starting_with_stylus_are_reserved() {
    let exported = |name: &str| module(&format!(r#"{FIXED_MEMORY} {ENTRY} (func (export "{name}"))"#));
    assert_eq!(rejection(&exported("stylus_ink_left")), E::ReservedExport("stylus_ink_left".into()));
    assert_eq!(rejection(&exported("my__stylus_thing")), E::ReservedExport("stylus_thing".into()));
    activated(&exported("stylus__thing")); // only the last `__` component counts
    let imported = module(&format!(r#"(import "vm_hooks" "stylus_start" (func)) {FIXED_MEMORY} {ENTRY}"#));
    assert_eq!(rejection(&imported), E::ReservedImport("stylus_start".into()));
}

#[test]
fn an_export_may_not_end_with_an_imported_name() {
    let wat = module(&format!(
        r#"(import "vm_hooks" "read_args" (func (param i32))) {FIXED_MEMORY} {ENTRY} (func (export "wrap__read_args"))"#
    ));
    assert_eq!(rejection(&wat), E::ExportsImportName("read_args".into()));
}

#[test]
fn one_import_declared_with_two_types_is_refused() {
    let wat = module(&format!(
        r#"(import "vm_hooks" "read_args" (func (param i32)))
           (import "vm_hooks" "read_args" (func (param i64)))
           {FIXED_MEMORY} {ENTRY}"#
    ));
    assert_eq!(rejection(&wat), E::InconsistentImports { module: "vm_hooks".into(), name: "read_args".into() });
}

// --- limits (reference §5.4, §1.6, §1.7, §4.3) -----------------------------------------------

#[test]
fn the_memory_may_start_with_at_most_128_pages_and_what_is_left_in_the_transaction() {
    assert_eq!(
        rejection(&module(&format!(r#"(memory (export "memory") 129 129) {ENTRY}"#))),
        E::HeapBound { pages: 129, bound: 128 }
    );
    let eleven = module(&format!(r#"(memory (export "memory") 11 11) {ENTRY}"#));
    let ten_left = ActivationParams { page_limit: 10, ..ActivationParams::default() };
    assert_eq!(activate_with(&eleven, &ten_left).unwrap_err(), E::MemoryExceedsLimit { pages: 11, limit: 10 });
    assert!(activate_with(&eleven, &ActivationParams { page_limit: 11, ..ten_left }).is_ok());
}

#[test]
fn at_most_128_data_segments() {
    let data = |count| module(&format!(r#"{FIXED_MEMORY} {} {ENTRY}"#, repeat(r#"(data (i32.const 0) "x")"#, count)));
    activated(&data(128));
    assert_eq!(rejection(&data(129)), E::TooMany { what: "datas", count: 129, limit: 128 });
}

#[test]
fn at_most_128_element_segments() {
    let elements = |count| {
        module(&format!(
            r#"{FIXED_MEMORY} (table 1 funcref) (func $f) {} {ENTRY}"#,
            repeat("(elem (i32.const 0) $f)", count)
        ))
    };
    activated(&elements(128));
    assert_eq!(rejection(&elements(129)), E::TooMany { what: "elements", count: 129, limit: 128 });
}

#[test]
fn at_most_1024_exports_counting_the_four_added_globals() {
    // Only debug chains keep user exports: memory + entry point + 1018 + 4 globals = 1024.
    let exports = |count| {
        let names: Vec<String> = (0..count).map(|index| format!(r#"(export "e{index}" (func 0))"#)).collect();
        module(&format!("{FIXED_MEMORY} {ENTRY} {}", names.join(" ")))
    };
    assert!(activate_with(&exports(1018), &debug_chain()).is_ok());
    assert_eq!(
        activate_with(&exports(1019), &debug_chain()).unwrap_err(),
        E::TooMany { what: "exports", count: 1025, limit: 1024 }
    );
}

#[test]
fn at_most_4096_functions() {
    let functions = |count| module(&format!("{FIXED_MEMORY} {ENTRY} {}", repeat("(func)", count)));
    activated(&functions(4095));
    assert_eq!(rejection(&functions(4096)), E::TooMany { what: "functions", count: 4097, limit: 4096 });
}

#[test]
fn at_most_32768_globals_counting_the_four_added() {
    let globals = |count| module(&format!("{FIXED_MEMORY} {ENTRY} {}", repeat("(global i32 (i32.const 0))", count)));
    activated(&globals(32_764));
    assert_eq!(rejection(&globals(32_765)), E::TooMany { what: "globals", count: 32_769, limit: 32_768 });
}

#[test]
fn at_most_348_locals_per_function() {
    let locals = |count| entrypoint(&format!("(local {}) i32.const 0", repeat("i32", count)));
    activated(&locals(348));
    assert_eq!(rejection(&locals(349)), E::TooMany { what: "locals", count: 349, limit: 348 });
}

#[test]
fn at_most_65536_instrumented_operators_per_function() {
    // One block: 12 check operators, the body, then the depth checker's 12 + 4 + `return`.
    let body = |pairs| entrypoint(&format!("{} i32.const 0", repeat("i32.const 0 drop", pairs)));
    let overhead = 12 + 1 + 1 + 12 + 4 + 1; // check, trailing const, end, entry, reclaim, return
    let fits = (65_536 - overhead) / 2;
    activated(&body(fits));
    let err = rejection(&body(fits + 1));
    assert_eq!(err, E::TooMany { what: "opcodes in func body", count: 65_537, limit: 65_536 });
}

#[test]
fn at_most_513_imports_from_arbos_32() {
    let imports = |count| {
        module(&format!(
            "{} {FIXED_MEMORY} {ENTRY}",
            repeat(r#"(import "vm_hooks" "read_args" (func (param i32)))"#, count)
        ))
    };
    activated(&imports(513));
    assert_eq!(rejection(&imports(514)), E::TooMany { what: "imports", count: 514, limit: 513 });
    assert!(activate_with(&imports(514), &ActivationParams::for_arbos_version(31)).is_ok());
}

#[test]
fn tables_may_hold_at_most_4096_entries() {
    let table = |size| module(&format!("{FIXED_MEMORY} (table {size} funcref) {ENTRY}"));
    activated(&table(4096));
    assert_eq!(rejection(&table(4097)), E::TooMany { what: "table entries", count: 4097, limit: 4096 });
}

#[test]
fn element_segments_may_take_at_most_4096_encoded_bytes() {
    // Segment bytes: flags 1 + offset expression 3 + count 2 + one byte per index.
    let elements = |count| {
        module(&format!(
            "{FIXED_MEMORY} (table 4096 funcref) (func $f) (elem (i32.const 0) {}) {ENTRY}",
            repeat("$f", count)
        ))
    };
    activated(&elements(4090));
    assert_eq!(rejection(&elements(4091)), E::TooMany { what: "element entries", count: 4097, limit: 4096 });
}

#[test]
fn export_names_and_the_module_name_may_have_at_most_512_bytes() {
    let export = |len| module(&format!(r#"{FIXED_MEMORY} {ENTRY} (func (export "{}"))"#, "x".repeat(len)));
    assert!(activate_with(&export(512), &debug_chain()).is_ok());
    assert_eq!(activate_with(&export(513), &debug_chain()).unwrap_err(), E::NameTooLong { what: "name", len: 513 });
    let named = |len| format!("(module ${} {FIXED_MEMORY} {ENTRY})", "m".repeat(len));
    activated(&named(512));
    assert_eq!(rejection(&named(513)), E::NameTooLong { what: "module name", len: 513 });
}

#[test]
fn a_frame_may_have_at_most_10240_words() {
    // Worst stack: the ink check's 2 operands; frame = 2 + locals + 4.
    let locals = |count| entrypoint(&format!("(local {}) i32.const 0", repeat("i32", count)));
    // The frame check runs before the 348-local limit, so a large frame is reported first.
    assert_eq!(rejection(&locals(10_234)), E::TooMany { what: "locals", count: 10_234, limit: 348 });
    assert_eq!(rejection(&locals(10_235)), E::FrameTooLarge { func: 0, size: 10_241, limit: 10_240 });
}

#[test]
fn at_most_4096_values_may_be_on_the_stack_at_once() {
    let pushes = |count| entrypoint(&format!("{} {} i32.const 0", repeat("i32.const 0", count), repeat("drop", count)));
    activated(&pushes(4096));
    assert_eq!(rejection(&pushes(4097)), E::TooManyStackValues { func: 0, count: 4097, limit: 4096 });
}

#[test]
fn costs_that_do_not_fit_a_u16_are_refused() {
    // 4096 functions of 10 parameters: 4096 × 8.252 + 40 960 × 1.059 > 65 535.
    let ten = "(param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)";
    let wide = module(&format!("{FIXED_MEMORY} {ENTRY} {}", repeat(&format!("(func {ten})"), 4095)));
    assert!(matches!(rejection(&wide), E::InitCostTooHigh(cost) if cost > 65_535));
    // 40 300 globals × 1.628 > 65 535; costs are checked before the 32 768-global limit.
    let globals = module(&format!("{FIXED_MEMORY} {ENTRY} {}", repeat("(global i32 (i32.const 0))", 40_300)));
    assert!(matches!(rejection(&globals), E::CachedCostTooHigh(cost) if cost > 65_535));
}
