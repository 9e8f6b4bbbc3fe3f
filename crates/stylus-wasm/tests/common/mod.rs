//! Helpers shared by the integration tests: building modules from WAT, activating them, and
//! running the instrumented result in wasmi the way the devnet does.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use stylus_wasm::activate::{
    activate, Activated, ActivationError, ActivationParams, ENTRYPOINT_EXPORT, INK_LEFT_EXPORT, INK_STATUS_EXPORT,
    STACK_LEFT_EXPORT,
};
use stylus_wasm::hostio::{VM_HOOKS, VM_HOOKS_MODULE};
use wasmi::{Engine, FuncType, Linker, Module, Store, Val};

/// A memory that cannot grow, so a module needs no `pay_for_memory_grow` import.
pub const FIXED_MEMORY: &str = r#"(memory (export "memory") 1 1)"#;

pub fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("test WAT must assemble")
}

/// A module with a fixed memory and the given entry point body.
pub fn entrypoint(body: &str) -> String {
    format!(r#"(module {FIXED_MEMORY} (func (export "user_entrypoint") (param i32) (result i32) {body}))"#)
}

/// A module as rustc ≥ 1.82 writes `call_indirect`: type and table index as padded 5-byte LEBs
/// (`11 81 80 80 80 00 80 80 80 80 00`), assembled by hand since no assembler writes that. The entry
/// point calls table slot 0, a function returning 42.
pub fn overlong_call_indirect_module() -> Vec<u8> {
    let mut module = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    // types: 0 = (i32) -> i32, 1 = () -> i32
    module.extend([0x01, 0x0a, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f]);
    // functions: the entry point (type 0) and the target (type 1)
    module.extend([0x03, 0x03, 0x02, 0x00, 0x01]);
    // table: funcref, 1..1
    module.extend([0x04, 0x05, 0x01, 0x70, 0x01, 0x01, 0x01]);
    // memory: 1..1 pages
    module.extend([0x05, 0x04, 0x01, 0x01, 0x01, 0x01]);
    // exports: "memory" (memory 0), "user_entrypoint" (func 0)
    module.extend([0x07, 0x1c, 0x02, 0x06]);
    module.extend(b"memory");
    module.extend([0x02, 0x00, 0x0f]);
    module.extend(b"user_entrypoint");
    module.extend([0x00, 0x00]);
    // element: table 0 at offset 0 holds func 1
    module.extend([0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x01]);
    // code: entry = i32.const 0; call_indirect (overlong type 1, table 0); target = i32.const 42
    module.extend([0x0a, 0x16, 0x02, 0x0f, 0x00, 0x41, 0x00]);
    module.extend([0x11, 0x81, 0x80, 0x80, 0x80, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b]);
    module.extend([0x04, 0x00, 0x41, 0x2a, 0x0b]);
    module
}

pub fn activate_wat(wat: &str) -> Result<Activated, ActivationError> {
    activate(&wasm(wat), &ActivationParams::default())
}

pub fn activate_with(wat: &str, params: &ActivationParams) -> Result<Activated, ActivationError> {
    activate(&wasm(wat), params)
}

pub fn activated(wat: &str) -> Activated {
    activate_wat(wat).unwrap_or_else(|err| panic!("activation should succeed: {err}"))
}

pub fn rejection(wat: &str) -> ActivationError {
    activate_wat(wat).expect_err("activation should fail")
}

pub fn debug_chain() -> ActivationParams {
    ActivationParams { debug_chain: true, ..ActivationParams::default() }
}

/// What one call of `user_entrypoint` left behind.
#[derive(Debug)]
pub struct Outcome {
    /// The entry point's result, or the trap.
    pub result: Result<i32, String>,
    pub ink_left: u64,
    pub ink_status: i32,
    pub stack_left: i32,
    /// The page counts `pay_for_memory_grow` was called with, in order.
    pub grow_calls: Vec<i32>,
}

impl Outcome {
    pub fn ink_used(&self, ink: u64) -> u64 {
        ink - self.ink_left
    }

    pub fn trapped(&self) -> bool {
        self.result.is_err()
    }
}

/// Instantiates the instrumented module with every `vm_hooks` import stubbed (results zero;
/// `pay_for_memory_grow` records its argument), gives it `ink` and a stack budget of `stack`
/// words, and calls `user_entrypoint(arg)`.
pub fn run(activated: &Activated, ink: u64, stack: u32, arg: i32) -> Outcome {
    let engine = Engine::default();
    let module = Module::new(&engine, &activated.module).expect("the instrumented module must be valid");
    let mut store = Store::new(&engine, Vec::<i32>::new());
    let mut linker = Linker::<Vec<i32>>::new(&engine);
    for hostio in &VM_HOOKS {
        let ty = FuncType::new(hostio.params.iter().map(to_wasmi), hostio.results.iter().map(to_wasmi));
        let name = hostio.name;
        let result_types: Vec<wasmi::ValType> = hostio.results.iter().map(to_wasmi).collect();
        linker
            .func_new(VM_HOOKS_MODULE, name, ty, move |mut caller, params, results| {
                if name == "pay_for_memory_grow" {
                    caller.data_mut().push(params[0].i32().expect("pages are an i32"));
                }
                for (slot, &ty) in results.iter_mut().zip(&result_types) {
                    *slot = Val::default_for_ty(ty);
                }
                Ok(())
            })
            .expect("each hostio is defined once");
    }
    let instance = linker.instantiate_and_start(&mut store, &module).expect("instantiation");
    let global = |store: &Store<Vec<i32>>, name: &str| {
        instance.get_global(store, name).unwrap_or_else(|| panic!("missing global {name}"))
    };
    global(&store, INK_LEFT_EXPORT).set(&mut store, Val::I64(ink as i64)).expect("ink global is a mutable i64");
    global(&store, STACK_LEFT_EXPORT).set(&mut store, Val::I32(stack as i32)).expect("stack global is a mutable i32");

    let entry = instance.get_typed_func::<i32, i32>(&store, ENTRYPOINT_EXPORT).expect("entry point");
    let result = entry.call(&mut store, arg).map_err(|err| err.to_string());
    Outcome {
        result,
        ink_left: global(&store, INK_LEFT_EXPORT).get(&store).i64().expect("i64") as u64,
        ink_status: global(&store, INK_STATUS_EXPORT).get(&store).i32().expect("i32"),
        stack_left: global(&store, STACK_LEFT_EXPORT).get(&store).i32().expect("i32"),
        grow_calls: store.data().clone(),
    }
}

fn to_wasmi(ty: &wasmparser::ValType) -> wasmi::ValType {
    match ty {
        wasmparser::ValType::I32 => wasmi::ValType::I32,
        wasmparser::ValType::I64 => wasmi::ValType::I64,
        wasmparser::ValType::F32 => wasmi::ValType::F32,
        wasmparser::ValType::F64 => wasmi::ValType::F64,
        other => panic!("no hostio takes {other}"),
    }
}
