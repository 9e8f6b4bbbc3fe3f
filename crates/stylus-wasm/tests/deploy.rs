//! The deploy side (reference §5.1, §5.2, §5.7–5.9): processing, compression, framing, the init
//! code prelude and the size limits.

mod common;

use common::{overlong_call_indirect_module, run, wasm, FIXED_MEMORY};
use stylus_wasm::activate::{activate, ActivationError, ActivationParams};
use stylus_wasm::deploy::{
    compress, contract_code, decompress_program, init_code, process_wasm, FramingError, ProgramSizes, SizeError,
    SizeLimits, MAX_WASM_SIZE, PROJECT_HASH_SECTION,
};
use wasmparser::{Parser, Payload};

const HASH: [u8; 32] = [0xab; 32];

fn custom_sections(module: &[u8]) -> Vec<(String, Vec<u8>)> {
    Parser::new(0)
        .parse_all(module)
        .filter_map(|payload| match payload.expect("readable") {
            Payload::CustomSection(reader) => Some((reader.name().to_owned(), reader.data().to_vec())),
            _ => None,
        })
        .collect()
}

fn section_ids(module: &[u8]) -> Vec<u8> {
    Parser::new(0)
        .parse_all(module)
        .filter_map(|payload| payload.expect("readable").as_section())
        .map(|(id, _)| id)
        .collect()
}

/// A module with a `name` section (from `$` identifiers) and two more custom sections.
fn annotated() -> Vec<u8> {
    wasm(&format!(
        r#"(module $counter
             (@custom "producers" "rustc")
             (@custom "target_features" (after data) "+bulk-memory")
             {FIXED_MEMORY}
             (func $entry (export "user_entrypoint") (param $len i32) (result i32) i32.const 0)
             (data (i32.const 0) "x"))"#
    ))
}

#[test]
fn processing_drops_every_custom_section_and_appends_project_hash() {
    let raw = annotated();
    let names: Vec<String> = custom_sections(&raw).into_iter().map(|(name, _)| name).collect();
    assert!(names.contains(&"name".to_owned()) && names.contains(&"producers".to_owned()));

    let processed = process_wasm(&raw, HASH).expect("processes");
    assert_eq!(custom_sections(&processed), vec![(PROJECT_HASH_SECTION.to_owned(), HASH.to_vec())]);
    // The last section: id 0, size 45, name length 12, "project_hash", the 32-byte hash: 47 bytes.
    let mut tail = vec![0x00, 45, 12];
    tail.extend_from_slice(b"project_hash");
    tail.extend_from_slice(&HASH);
    assert!(processed.ends_with(&tail));
    assert_eq!(section_ids(&processed), [1, 3, 5, 7, 10, 11, 0]);
}

#[test]
fn processing_a_canonical_module_changes_nothing_but_the_custom_sections() {
    let raw = annotated();
    let processed = process_wasm(&raw, HASH).expect("processes");
    let without_customs = |module: &[u8]| -> Vec<(u8, Vec<u8>)> {
        Parser::new(0)
            .parse_all(module)
            .filter_map(|payload| payload.expect("readable").as_section())
            .filter(|(id, _)| *id != 0)
            .map(|(id, range)| (id, module[range].to_vec()))
            .collect()
    };
    assert_eq!(without_customs(&processed), without_customs(&raw));
    assert_eq!(process_wasm(&processed[..processed.len() - 47], HASH).expect("processes"), processed);
}

#[test]
fn processing_rewrites_an_overlong_call_indirect_so_the_program_activates() {
    let raw = overlong_call_indirect_module();
    let err = activate(&raw, &ActivationParams::default()).unwrap_err();
    assert!(err.to_string().contains("zero byte expected"), "{err}");

    let processed = process_wasm(&raw, HASH).expect("processes");
    assert_eq!(processed.len(), raw.len() - 8 + 47, "type and table index shrink to one byte each");
    let program = activate(&processed, &ActivationParams::default()).expect("activates after processing");
    assert_eq!(run(&program, 1_000_000_000, 22_000, 0).result, Ok(42));
}

#[test]
fn processing_drops_a_datacount_section_nothing_needs() {
    let plain = wasm(&format!(
        r#"(module {FIXED_MEMORY} (func (export "user_entrypoint") (param i32) (result i32) i32.const 0) (data (i32.const 0) "x"))"#
    ));
    // Insert `datacount 1` (id 12) before the code section (id 10), as wasm-ld does with bulk memory.
    let code_at = Parser::new(0)
        .parse_all(&plain)
        .find_map(|payload| match payload.expect("readable") {
            Payload::CodeSectionStart { range, .. } => Some(range.start - 2),
            _ => None,
        })
        .expect("code section");
    let mut raw = plain.clone();
    raw.splice(code_at..code_at, [12, 1, 1]);
    assert_eq!(
        activate(&raw, &ActivationParams::default()).unwrap_err(),
        ActivationError::UnsupportedSection("DataCountSection")
    );
    let processed = process_wasm(&raw, HASH).expect("processes");
    assert!(!section_ids(&processed).contains(&12));
    assert!(activate(&processed, &ActivationParams::default()).is_ok());
}

#[test]
fn processing_keeps_the_datacount_section_memory_init_needs() {
    let raw = wasm(&format!(
        r#"(module {FIXED_MEMORY} (data $d "abc")
             (func (export "user_entrypoint") (param i32) (result i32)
               i32.const 0 i32.const 0 i32.const 1 memory.init $d i32.const 0))"#
    ));
    assert!(section_ids(&process_wasm(&raw, HASH).expect("processes")).contains(&12));
}

#[test]
fn processing_declares_each_run_of_same_typed_locals_once() {
    let plain = wasm(&format!(
        r#"(module {FIXED_MEMORY} (func (export "user_entrypoint") (param i32) (result i32) (local i32 i32 i32 i32 i64) i32.const 0))"#
    ));
    // Rewrite the locals `(4 i32) (1 i64)` as `(1 i32) (1 i32) (0 i64) (2 i32) (1 i64)`, as a
    // linker might, and grow the body and code section sizes (one byte each) to match.
    let at = Parser::new(0)
        .parse_all(&plain)
        .find_map(|payload| match payload.expect("readable") {
            Payload::CodeSectionEntry(body) => Some(body.range().start),
            _ => None,
        })
        .expect("one body");
    assert_eq!(plain[at..at + 5], [0x02, 0x04, 0x7f, 0x01, 0x7e]);
    let mut raw = plain.clone();
    raw.splice(at..at + 5, [0x05, 0x01, 0x7f, 0x01, 0x7f, 0x00, 0x7e, 0x02, 0x7f, 0x01, 0x7e]);
    raw[at - 1] += 6; // body size
    raw[at - 3] += 6; // code section size
    assert!(activate(&raw, &ActivationParams::default()).is_ok(), "the rewritten module is valid");

    let processed = process_wasm(&raw, HASH).expect("processes");
    let without_hash = &processed[..processed.len() - 47];
    assert_eq!(without_hash, &plain[..], "the runs merge back into what an assembler writes");
}

#[test]
fn processing_refuses_what_is_not_a_module() {
    assert!(process_wasm(b"not wasm", HASH).is_err());
    assert!(process_wasm(&[0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00], HASH).is_err());
}

#[test]
fn contract_code_is_the_classic_prefix_and_brotli_and_decompresses_back() {
    let processed = process_wasm(&annotated(), HASH).expect("processes");
    let code = contract_code(&processed).expect("compresses");
    assert_eq!(code[..4], [0xEF, 0xF0, 0x00, 0x00]);
    assert_eq!(code[4..], compress(&processed).expect("compresses"));
    assert_eq!(decompress_program(&code, MAX_WASM_SIZE), Ok(processed.clone()));
    assert_eq!(decompress_program(&code, processed.len()), Ok(processed.clone()));
    assert_eq!(
        decompress_program(&code, processed.len() - 1),
        Err(FramingError::TooLarge { max: processed.len() - 1 })
    );
}

#[test]
fn decompression_refuses_code_that_is_not_a_classic_program() {
    let processed = process_wasm(&annotated(), HASH).expect("processes");
    let stream = compress(&processed).expect("compresses");
    let framed = |prefix: &[u8]| [prefix, &stream[..]].concat();

    assert_eq!(decompress_program(&[], MAX_WASM_SIZE), Err(FramingError::EmptyCode));
    assert_eq!(decompress_program(&[0x60, 0x80, 0x60], MAX_WASM_SIZE), Err(FramingError::NotStylusProgram));
    assert_eq!(decompress_program(&[0xEF, 0xF0, 0x00], MAX_WASM_SIZE), Err(FramingError::NotStylusProgram));
    assert_eq!(decompress_program(&framed(&[0xEF, 0xF0, 0x01]), MAX_WASM_SIZE), Err(FramingError::Fragment));
    assert_eq!(decompress_program(&framed(&[0xEF, 0xF0, 0x02, 0x00]), MAX_WASM_SIZE), Err(FramingError::Root));
    assert_eq!(
        decompress_program(&framed(&[0xEF, 0xF0, 0x00, 0x01]), MAX_WASM_SIZE),
        Err(FramingError::BuiltinDictionary)
    );
    assert_eq!(
        decompress_program(&framed(&[0xEF, 0xF0, 0x00, 0x02]), MAX_WASM_SIZE),
        Err(FramingError::UnsupportedDictionary(2))
    );
    let truncated = framed(&[0xEF, 0xF0, 0x00, 0x00]);
    assert_eq!(decompress_program(&truncated[..truncated.len() - 3], MAX_WASM_SIZE), Err(FramingError::BadBrotli));
    assert_eq!(decompress_program(&[0xEF, 0xF0, 0x00, 0x00], MAX_WASM_SIZE), Err(FramingError::BadBrotli));
}

#[test]
fn init_code_is_the_43_byte_prelude_then_the_code() {
    let code = vec![0x5a; 300];
    let init = init_code(&code);
    let mut expected = vec![0x7f];
    expected.extend_from_slice(&[0; 30]);
    expected.extend_from_slice(&[0x01, 0x2c]); // 300
    expected.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    assert_eq!(init[..43], expected[..]);
    assert_eq!(init[43..], code[..]);
}

#[test]
fn size_limits_name_the_limit_that_is_exceeded() {
    let limits = SizeLimits::default();
    let sizes = |wasm_len, code_len| ProgramSizes { wasm_len, compressed_len: code_len - 4, code_len };
    assert_eq!(sizes(131_072, 24_576).check_limits(&limits), Ok(()));
    assert_eq!(
        sizes(1000, 24_577).check_limits(&limits),
        Err(SizeError::CodeTooLarge { code_len: 24_577, max: 24_576 })
    );
    assert_eq!(
        sizes(131_073, 1000).check_limits(&limits),
        Err(SizeError::WasmTooLarge { wasm_len: 131_073, max: 131_072 })
    );
    let processed = process_wasm(&annotated(), HASH).expect("processes");
    let code = contract_code(&processed).expect("compresses");
    let measured = ProgramSizes::new(&processed, &code);
    assert_eq!(
        (measured.wasm_len, measured.code_len, measured.compressed_len),
        (processed.len(), code.len(), code.len() - 4)
    );
}
