//! Untrusted bytes never panic: arbitrary and mutated input to activation, decompression and
//! processing. Whatever activates must instrument into a valid module.

mod common;

use common::{overlong_call_indirect_module, wasm};
use proptest::prelude::*;
use stylus_wasm::activate::{activate, ActivationParams};
use stylus_wasm::deploy::{contract_code, decompress_program, process_wasm};

fn seeds() -> Vec<Vec<u8>> {
    let programs = [
        r#"(module (memory (export "memory") 1 1)
             (func (export "user_entrypoint") (param i32) (result i32) local.get 0))"#,
        r#"(module
             (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
             (import "vm_hooks" "read_args" (func $read (param i32)))
             (type $t (func (param i32) (result i32)))
             (memory (export "memory") 1)
             (table 2 funcref)
             (global $g (mut i32) (i32.const 7))
             (elem (i32.const 0) $entry $entry)
             (data (i32.const 16) "payload")
             (func $entry (export "user_entrypoint") (param i32) (result i32) (local i64)
               local.get 0 call $read
               block (result i32)
                 loop
                   local.get 0 i32.eqz br_if 1
                   i32.const 0 i32.const 1 local.get 0 memory.fill
                   local.get 0 i32.const 1 i32.sub local.set 0
                   br 0
                 end
                 i32.const 0
               end
               i32.const 1 memory.grow drop
               global.get $g i32.const 0 call_indirect (type $t) drop))"#,
    ];
    let mut seeds: Vec<Vec<u8>> = programs.iter().map(|program| wasm(program)).collect();
    seeds.push(overlong_call_indirect_module());
    seeds
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Insert { at: usize, byte: u8 },
    Remove { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Remove { at }),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        if bytes.is_empty() {
            break;
        }
        match *mutation {
            Mutation::Flip { at, mask } => {
                let at = at % bytes.len();
                bytes[at] ^= mask;
            }
            Mutation::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
            Mutation::Remove { at } => {
                let at = at % bytes.len();
                bytes.remove(at);
            }
        }
    }
    bytes
}

fn params() -> impl Strategy<Value = ActivationParams> {
    (prop_oneof![Just(0u64), Just(31), Just(50), Just(60)], 0..=128u16, any::<bool>()).prop_map(
        |(arbos_version, page_limit, debug_chain)| ActivationParams {
            page_limit,
            debug_chain,
            ..ActivationParams::for_arbos_version(arbos_version)
        },
    )
}

fn check_activation(bytes: &[u8], params: &ActivationParams) {
    if let Ok(program) = activate(bytes, params) {
        wasmparser::Validator::new().validate_all(&program.module).expect("instrumented module must be valid");
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_activation(bytes in proptest::collection::vec(any::<u8>(), 0..512), params in params()) {
        check_activation(&bytes, &params);
    }

    #[test]
    fn mutated_programs_never_panic_activation(
        seed in 0..3usize,
        mutations in proptest::collection::vec(mutation(), 1..6),
        params in params(),
    ) {
        let bytes = mutate(seeds()[seed].clone(), &mutations);
        check_activation(&bytes, &params);
        let _ = process_wasm(&bytes, [0; 32]);
    }

    #[test]
    fn arbitrary_bytes_never_panic_decompression(bytes in proptest::collection::vec(any::<u8>(), 0..512), max in 0..200_000usize) {
        let _ = decompress_program(&bytes, max);
        let mut framed = vec![0xEF, 0xF0, 0x00, 0x00];
        framed.extend_from_slice(&bytes);
        let _ = decompress_program(&framed, max);
    }

    #[test]
    fn mutated_code_never_panics_decompression(
        seed in 0..3usize,
        mutations in proptest::collection::vec(mutation(), 1..6),
        max in 0..200_000usize,
    ) {
        let code = contract_code(&seeds()[seed]).expect("compresses");
        let mutated = mutate(code, &mutations);
        if let Ok(wasm) = decompress_program(&mutated, max) {
            prop_assert!(wasm.len() <= max);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_processing(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut module = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
        module.extend_from_slice(&bytes);
        let _ = process_wasm(&module, [0; 32]);
        let _ = process_wasm(&bytes, [0; 32]);
    }
}
