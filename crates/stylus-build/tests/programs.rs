//! Builds the devnet's test programs end to end and checks the bytes are what Nitro accepts.

use std::collections::BTreeSet;
use std::path::PathBuf;

use stylus_build::{build_program, BuildError, BuildSpec, ProgramArtifacts};
use stylus_wasm::deploy::{decompress_program, MAX_WASM_SIZE, PRELUDE_LEN, PROJECT_HASH_SECTION};
use stylus_wasm::hostio::VM_HOOKS_MODULE;
use wasmparser::{Parser, Payload};

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn build(package: &str) -> ProgramArtifacts {
    build_program(&BuildSpec::new(package, workspace_root())).unwrap_or_else(|err| panic!("{err}"))
}

/// What a module imports (as `module.name`), exports, and which custom sections it has.
#[derive(Debug, Default)]
struct Shape {
    imports: BTreeSet<String>,
    exports: BTreeSet<String>,
    custom_sections: Vec<String>,
}

fn shape(wasm: &[u8]) -> Shape {
    let mut shape = Shape::default();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.expect("valid wasm") {
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import.expect("valid import");
                    shape.imports.insert(format!("{}.{}", import.module, import.name));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    shape.exports.insert(export.expect("valid export").name.to_owned());
                }
            }
            Payload::CustomSection(section) => shape.custom_sections.push(section.name().to_owned()),
            _ => {}
        }
    }
    shape
}

fn hooks(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|name| format!("{VM_HOOKS_MODULE}.{name}")).collect()
}

/// What every `#[entrypoint]` program imports (reference §8): `msg_reentrant` only when the SDK's
/// reentrancy guard is on, `msg_value` for the check of non-payable methods.
const ENTRYPOINT_HOOKS: [&str; 5] =
    ["read_args", "write_result", "pay_for_memory_grow", "storage_flush_cache", "msg_value"];

/// What the SDK's `call()` links: `RawCall` chooses the kind of call at run time.
const CALL_HOOKS: [&str; 5] =
    ["call_contract", "delegate_call_contract", "static_call_contract", "read_return_data", "return_data_size"];

/// Checks a program's bytes at every stage, and that its raw wasm imports exactly `extra` besides
/// the entrypoint's hostios.
fn check_program(package: &str, extra: &[&str]) {
    let program = build(package);

    assert_eq!(&program.code[..4], &[0xEF, 0xF0, 0x00, 0x00], "{package}: classic prefix, no dictionary");
    assert_eq!(decompress_program(&program.code, MAX_WASM_SIZE).expect("decompresses"), program.wasm);
    assert_eq!(&program.code[4..], program.compressed());
    assert_eq!(&program.init_code[PRELUDE_LEN..], program.code.as_slice());
    assert!(program.info.footprint <= 2, "{package}: opens {} pages", program.info.footprint);

    let processed = shape(&program.wasm);
    assert_eq!(processed.custom_sections, [PROJECT_HASH_SECTION], "{package}");

    let raw = shape(&program.raw_wasm);
    let mut expected = hooks(&ENTRYPOINT_HOOKS);
    expected.extend(hooks(extra));
    assert_eq!(raw.imports, expected, "{package}: imports");
    let allowed_exports: BTreeSet<String> =
        ["memory", "user_entrypoint", "__data_end", "__heap_base"].map(str::to_owned).into();
    assert!(raw.exports.contains("memory") && raw.exports.contains("user_entrypoint"), "{package}: {:?}", raw.exports);
    assert!(raw.exports.is_subset(&allowed_exports), "{package}: exports {:?}", raw.exports);
}

#[test]
fn probe_imports_every_hostio_but_calls_and_creates() {
    check_program(
        "test-probe",
        &[
            "msg_reentrant",
            "storage_load_bytes32",
            "storage_cache_bytes32",
            "transient_load_bytes32",
            "transient_store_bytes32",
            "emit_log",
            "account_balance",
            "account_codehash",
            "account_code",
            "account_code_size",
            "contract_address",
            "block_basefee",
            "block_coinbase",
            "block_gas_limit",
            "block_number",
            "block_timestamp",
            "chainid",
            "msg_sender",
            "tx_gas_price",
            "tx_origin",
            "tx_ink_price",
            "evm_gas_left",
            "evm_ink_left",
            "math_div",
            "math_mod",
            "math_pow",
            "math_add_mod",
            "math_mul_mod",
            "native_keccak256",
            "exit_early",
        ],
    );
}

#[test]
fn caller_imports_the_call_and_create_hostios() {
    check_program(
        "test-caller",
        &[
            "msg_reentrant",
            "call_contract",
            "delegate_call_contract",
            "static_call_contract",
            "create1",
            "create2",
            "read_return_data",
            "return_data_size",
            "storage_load_bytes32",
            "storage_cache_bytes32",
        ],
    );
}

#[test]
fn nest_imports_what_a_self_call_needs_and_no_reentrancy_guard() {
    let mut extra = vec!["contract_address", "storage_load_bytes32", "storage_cache_bytes32"];
    extra.extend(CALL_HOOKS);
    check_program("test-nest", &extra);
}

#[test]
fn both_reentry_builds_import_the_same_hostios() {
    // The guarded build's `msg_reentrant` is the guard's; the open build's is `isReentrant`'s.
    let mut extra = vec!["msg_reentrant"];
    extra.extend(CALL_HOOKS);
    for package in ["test-reentry-guarded", "test-reentry-open"] {
        check_program(package, &extra);
    }
}

#[test]
fn a_rebuild_gives_the_same_bytes() {
    let first = build("test-reentry-guarded");
    let second = build("test-reentry-guarded");
    assert!(first.raw_wasm == second.raw_wasm, "rustc's output differs");
    assert_eq!(first.project_hash, second.project_hash);
    assert!(first == second);
}

#[test]
fn the_reentrant_feature_changes_the_program() {
    assert_ne!(build("test-reentry-guarded").raw_wasm, build("test-reentry-open").raw_wasm);
}

#[test]
fn an_unknown_package_is_a_build_failure_naming_it() {
    let err = build_program(&BuildSpec::new("no-such-program", workspace_root())).unwrap_err();
    assert!(matches!(err, BuildError::BuildFailed { ref package, .. } if package == "no-such-program"));
    let message = err.to_string();
    assert!(message.contains("`no-such-program` did not match any packages"), "{message}");
}

#[test]
fn a_package_without_cdylib_has_no_artifact() {
    let err = build_program(&BuildSpec::new("mos-message", workspace_root())).unwrap_err();
    assert!(matches!(err, BuildError::ArtifactMissing { .. }), "{err}");
}

#[test]
fn a_missing_cargo_is_reported_as_such() {
    let spec =
        BuildSpec { cargo: PathBuf::from("/nonexistent/cargo"), ..BuildSpec::new("test-nest", workspace_root()) };
    assert!(matches!(build_program(&spec), Err(BuildError::CargoNotFound { .. })));
}

/// Runs `stylus-code-diff` on two account codes written as hex files; its exit code and stdout.
fn code_diff(ours: &[u8], theirs: &[u8]) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("stylus-code-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ours_path, theirs_path) = (dir.join("ours.code.hex"), dir.join("theirs.code.hex"));
    std::fs::write(&ours_path, alloy_primitives::hex::encode_prefixed(ours)).unwrap();
    std::fs::write(&theirs_path, alloy_primitives::hex::encode_prefixed(theirs)).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stylus-code-diff"))
        .args([&ours_path, &theirs_path])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

#[test]
fn stylus_code_diff_sets_only_the_project_hash_aside() {
    let probe = build("test-probe");
    let (status, said) = code_diff(&probe.code, &probe.code);
    assert_eq!((status, said.as_str()), (Some(0), "the same program, byte for byte\n"));

    // The same wasm with another project hash, as cargo-stylus would hash it.
    let rehashed = stylus_wasm::deploy::process_wasm(&probe.raw_wasm, [0x77; 32]).unwrap();
    let rehashed_code = stylus_wasm::deploy::contract_code(&rehashed).unwrap();
    assert_ne!(rehashed_code, probe.code);
    let (status, said) = code_diff(&probe.code, &rehashed_code);
    assert_eq!(status, Some(0), "{said}");
    assert!(said.starts_with("the same program: ") && said.contains(&"77".repeat(32)), "{said}");

    // One byte of the program itself changed.
    let mut changed = probe.wasm.clone();
    let last_code_byte = changed.len() - 60;
    changed[last_code_byte] ^= 1;
    let (status, said) = code_diff(&probe.code, &stylus_wasm::deploy::contract_code(&changed).unwrap());
    assert_eq!(status, Some(1), "{said}");
    assert!(said.starts_with("different programs: "), "{said}");
}
