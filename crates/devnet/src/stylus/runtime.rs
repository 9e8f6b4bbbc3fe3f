//! Calling a Stylus program: the entry cost (reference §4.1), the run in wasmi with the ink in the
//! instrumented globals (§1.1), and the outcome mapping (§1.7, §7).

use alloy_primitives::Bytes;
use evm_interpreter::{CallOutcome, CallRequest, CallStatus};
use stylus_wasm::{
    activate::{INK_LEFT_EXPORT, INK_STATUS_EXPORT, STACK_LEFT_EXPORT},
    pricing,
};
use wasmi::{Linker, Store, Val};

use super::{
    env::{Escape, Handles, ProgramEnv, ProgramFrame},
    hostio, StorageCache, StylusError,
};
use crate::exec::Executor;

/// How a program invocation ended (reference §7, `UserOutcome`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Revert,
    Failure,
    OutOfInk,
    OutOfStack,
}

/// Runs the program at `request.code_address` (its code is `code`) for a call frame.
pub fn call_program(exec: &mut Executor<'_, '_>, request: &CallRequest, code: &Bytes) -> CallOutcome {
    match run(exec, request, code) {
        Ok(outcome) => outcome,
        Err(error) => {
            // Not activated, needs an upgrade, expired, or cannot be compiled: Nitro returns the
            // error as a Go error, an exceptional halt that consumes the frame's gas (§6.3).
            tracing::debug!(address = %request.code_address, %error, "program cannot run");
            CallOutcome { status: CallStatus::Failed, output: Bytes::new(), gas_left: 0 }
        }
    }
}

fn run(exec: &mut Executor<'_, '_>, request: &CallRequest, code: &Bytes) -> Result<CallOutcome, StylusError> {
    let codehash = exec.journal.code_hash(&request.code_address);
    let record = exec.journal.program(&codehash).cloned().ok_or(StylusError::NotActivated)?;
    let params = exec.stylus_params();
    if record.version != params.version {
        return Err(StylusError::NeedsUpgrade { have: record.version, want: params.version });
    }
    let program =
        exec.programs.get_or_compile(codehash, code, &exec.activation_params(), params.max_wasm_size as usize)?;

    // Entry cost (§4.1 step 3): memory, cached init gas, and init gas unless cached.
    let starting_gas = request.gas_limit;
    let (open, ever) = exec.stylus_pages();
    let cost = pricing::memory_gas_cost(record.footprint, open, ever, &params).saturating_add(pricing::call_init_gas(
        &record.info(),
        &params,
        record.cached,
    ));
    let Some(gas) = starting_gas.checked_sub(cost) else {
        return Ok(CallOutcome { status: CallStatus::Failed, output: Bytes::new(), gas_left: 0 });
    };
    exec.add_stylus_pages(record.footprint);

    let ink_price = u64::from(params.ink_price);
    let frame = ProgramFrame {
        address: request.target,
        caller: request.caller,
        value: request.value,
        args: request.input.clone(),
        is_static: request.is_static,
        reentrant: exec.is_reentrant(request.target),
    };
    let engine = exec.programs.engine().clone();
    let debug = exec.env.debug_chain;
    let max_stack_depth = params.max_stack_depth;
    let env = ProgramEnv {
        exec,
        frame,
        cache: StorageCache::default(),
        result: Vec::new(),
        return_data: Bytes::new(),
        last_code: None,
        ink_price,
        handles: None,
        escape: None,
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

    let returned = entrypoint.call(&mut store, request.input.len() as i32);
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
    env.exec.restore_open_pages(open);
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
            None => return Ok(CallOutcome { status: CallStatus::Failed, output: Bytes::new(), gas_left: 0 }),
        }
    }
    let status = match outcome {
        Outcome::Success => CallStatus::Success,
        // A trap or a failed hostio reverts without data and keeps the gas left (§7).
        Outcome::Revert | Outcome::Failure => CallStatus::Revert,
        Outcome::OutOfInk | Outcome::OutOfStack => CallStatus::Failed,
    };
    Ok(CallOutcome { status, output, gas_left })
}
