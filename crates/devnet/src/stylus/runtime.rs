//! Calling a Stylus program: the entry cost (reference §4.1), the run in wasmi with the ink in the
//! instrumented globals (§1.1), and the outcome mapping (§1.7, §7) to the result revm's frame
//! epilogue takes.

use alloy_primitives::Bytes;
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use stylus_wasm::{
    activate::{INK_LEFT_EXPORT, INK_STATUS_EXPORT, STACK_LEFT_EXPORT},
    pricing,
};
use wasmi::{Linker, Store, Val};

use super::{
    env::{Escape, Handles, ProgramEnv, ProgramFrame},
    hostio, StorageCache, StylusError,
};
use crate::{arbos::active_program, exec::DevEvm};

/// How a program invocation ended (reference §7, `UserOutcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Revert,
    Failure,
    OutOfInk,
    OutOfStack,
}

/// A frame's result: `result` with `gas_left` of the frame's `limit`, `refund` refunded.
fn frame_result(result: InstructionResult, output: Bytes, limit: u64, gas_left: u64, refund: i64) -> InterpreterResult {
    let mut gas = Gas::new(limit);
    gas.set_remaining(gas_left);
    gas.set_refund(refund);
    InterpreterResult { result, output, gas }
}

/// Runs the Stylus program of a call frame (its code is `inputs.known_bytecode`).
pub fn run_program(evm: &mut DevEvm<'_>, inputs: &CallInputs) -> InterpreterResult {
    match crate::exec::with_stack(|| run(evm, inputs)) {
        Ok(result) => result,
        Err(error) => {
            // Not activated, needs an upgrade, expired, or cannot be compiled: Nitro returns the
            // error as a Go error, an exceptional halt that consumes the frame's gas (§6.3).
            tracing::debug!(address = %inputs.bytecode_address, %error, "program cannot run");
            evm.context().chain.record_failure(error.to_string());
            frame_result(InstructionResult::OpcodeNotFound, Bytes::new(), inputs.gas_limit, 0, 0)
        }
    }
}

fn run(evm: &mut DevEvm<'_>, inputs: &CallInputs) -> Result<InterpreterResult, StylusError> {
    let ctx = evm.context();
    let (codehash, code) = (inputs.known_bytecode.0, inputs.known_bytecode.1.original_bytes());
    let record = active_program(ctx, &codehash).map_err(StylusError::Inactive)?;
    let params = ctx.chain.stylus_params();
    let activation = ctx.chain.activation_params();
    let program = ctx.chain.programs.get_or_compile(codehash, &code, &activation, params.max_wasm_size as usize)?;

    // Entry cost (§4.1 step 3): memory, cached init gas, and init gas unless cached.
    let starting_gas = inputs.gas_limit;
    let (open, ever) = ctx.chain.stylus_pages();
    let cost = pricing::memory_gas_cost(record.footprint, open, ever, &params).saturating_add(pricing::call_init_gas(
        &record.info(),
        &params,
        record.cached,
    ));
    let Some(gas) = starting_gas.checked_sub(cost) else {
        return Ok(frame_result(InstructionResult::OutOfGas, Bytes::new(), starting_gas, 0, 0));
    };
    ctx.chain.add_stylus_pages(record.footprint);

    let ink_price = u64::from(params.ink_price);
    let frame = ProgramFrame {
        address: inputs.target_address,
        caller: inputs.caller,
        value: inputs.value.get(),
        args: inputs.input.bytes(&*ctx),
        is_static: inputs.is_static,
        reentrant: ctx.chain.is_reentrant(inputs.target_address),
    };
    let engine = ctx.chain.programs.engine().clone();
    let debug = ctx.chain.env.debug_chain;
    let max_stack_depth = params.max_stack_depth;
    let args_len = frame.args.len();
    let env = ProgramEnv {
        evm,
        frame,
        cache: StorageCache::default(),
        result: Vec::new(),
        return_data: Bytes::new(),
        last_code: None,
        ink_price,
        handles: None,
        escape: None,
        refund: 0,
    };
    let mut store = Store::new(&engine, env);
    let mut linker = Linker::new(&engine);
    hostio::define(&mut linker, debug).map_err(|e| StylusError::Compile(e.to_string()))?;
    let instance =
        linker.instantiate_and_start(&mut store, &program.module).map_err(|e| StylusError::Compile(e.to_string()))?;
    let global =
        |name: &str| instance.get_global(&store, name).ok_or_else(|| StylusError::Compile(format!("missing {name}")));
    let handles = Handles {
        memory: instance.get_memory(&store, "memory").ok_or_else(|| StylusError::Compile("missing memory".into()))?,
        ink_left: global(INK_LEFT_EXPORT)?,
        ink_status: global(INK_STATUS_EXPORT)?,
    };
    let stack_left = global(STACK_LEFT_EXPORT)?;
    let ink = gas.saturating_mul(ink_price);
    let set = |store: &mut Store<_>, global: wasmi::Global, value: Val| global.set(store, value);
    set(&mut store, handles.ink_left, Val::I64(ink as i64)).map_err(|e| StylusError::Compile(e.to_string()))?;
    set(&mut store, handles.ink_status, Val::I32(0)).map_err(|e| StylusError::Compile(e.to_string()))?;
    set(&mut store, stack_left, Val::I32(max_stack_depth as i32)).map_err(|e| StylusError::Compile(e.to_string()))?;
    store.data_mut().handles = Some(handles);
    let entrypoint = instance
        .get_typed_func::<i32, i32>(&store, "user_entrypoint")
        .map_err(|e| StylusError::Compile(e.to_string()))?;

    let returned = entrypoint.call(&mut store, args_len as i32);
    if let Err(error) = &returned {
        tracing::debug!(%error, "program trapped");
    }
    let read_i64 = |store: &Store<_>, global: wasmi::Global| match global.get(store) {
        Val::I64(v) => v as u64,
        Val::I32(v) => v as u32 as u64,
        _ => 0,
    };
    let outcome = match returned {
        Ok(0) => Outcome::Success,
        Ok(_) => Outcome::Revert,
        Err(_) if read_i64(&store, stack_left) == 0 => Outcome::OutOfStack,
        Err(_) if read_i64(&store, handles.ink_status) != 0 => Outcome::OutOfInk,
        Err(_) => match &store.data().escape {
            Some(Escape::Exit(0)) => Outcome::Success,
            Some(Escape::Exit(_)) => Outcome::Revert,
            Some(Escape::OutOfInk) => Outcome::OutOfInk,
            Some(Escape::Failure(reason)) => {
                tracing::debug!(%reason, "program failed in a hostio");
                Outcome::Failure
            }
            None => Outcome::Failure,
        },
    };
    let ink_left = read_i64(&store, handles.ink_left);
    let env = store.into_data();
    env.evm.context().chain.restore_open_pages(open);
    let mut gas_left = match outcome {
        Outcome::OutOfInk | Outcome::OutOfStack => 0,
        _ => ink_left / ink_price,
    };
    let output = match outcome {
        Outcome::Success | Outcome::Revert => Bytes::from(env.result),
        _ => Bytes::new(),
    };
    // ArbOS ≥ 31: returned bytes pay the EVM's memory expansion out of the starting gas (§4.1 step 7).
    if !output.is_empty() {
        let words = (output.len() as u64).div_ceil(32);
        let evm_cost = 3 * words + words * words / 512;
        match starting_gas.checked_sub(evm_cost) {
            Some(cap) => gas_left = gas_left.min(cap),
            None => return Ok(frame_result(InstructionResult::OutOfGas, Bytes::new(), starting_gas, 0, 0)),
        }
    }
    let result = match outcome {
        Outcome::Success => InstructionResult::Return,
        // A trap or a failed hostio reverts without data and keeps the gas left (§7).
        Outcome::Revert | Outcome::Failure => InstructionResult::Revert,
        Outcome::OutOfInk | Outcome::OutOfStack => InstructionResult::OutOfGas,
    };
    Ok(frame_result(result, output, starting_gas, gas_left, env.refund))
}
