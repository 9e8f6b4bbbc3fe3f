//! Nitro's HeapBound (reference §1.6): memory limits at activation, and a call to
//! `vm_hooks.pay_for_memory_grow` before every `memory.grow`.

use wasmparser::{ExternalKind, MemoryType, Operator, ValType};

use super::exports::{ExportEntry, MEMORY_EXPORT};
use super::globals::StylusGlobals;
use super::module::{signature, Module};
use super::ActivationError;
use crate::hostio::VM_HOOKS_MODULE;

/// Most pages any program's memory may start with (`heap_bound`).
pub(crate) const HEAP_BOUND_PAGES: u64 = 128;

const PAY_FOR_MEMORY_GROW: &str = "pay_for_memory_grow";

/// The module's one memory, which must be exported as `memory` (Nitro's `memory_info`).
///
/// # Errors
///
/// [`ActivationError::MissingMemory`], [`ActivationError::TooMany`] (memories) or
/// [`ActivationError::MemoryNotExported`].
pub(super) fn memory<'m>(
    module: &'m Module<'_>,
    exports: &[ExportEntry<'_>],
) -> Result<&'m MemoryType, ActivationError> {
    let memory = match module.memories.as_slice() {
        [] => return Err(ActivationError::MissingMemory),
        [memory] => memory,
        memories => {
            return Err(ActivationError::TooMany { what: "memories", count: memories.len() as u64, limit: 1 });
        }
    };
    let exported = exports
        .iter()
        .any(|export| export.name == MEMORY_EXPORT && export.kind == ExternalKind::Memory && export.index == 0);
    if !exported {
        return Err(ActivationError::MemoryNotExported);
    }
    Ok(memory)
}

/// Checks the heap bound and finds the function index of `pay_for_memory_grow`, which a memory
/// that can grow (no maximum, or a maximum above the minimum) must import.
///
/// # Errors
///
/// [`ActivationError::HeapBound`], [`ActivationError::MissingPayForMemoryGrow`] or
/// [`ActivationError::PayForMemoryGrowType`].
pub(super) fn pay_for_memory_grow(module: &Module<'_>, memory: &MemoryType) -> Result<Option<u32>, ActivationError> {
    if memory.initial > HEAP_BOUND_PAGES {
        return Err(ActivationError::HeapBound { pages: memory.initial, bound: HEAP_BOUND_PAGES });
    }
    if memory.maximum == Some(memory.initial) {
        return Ok(None);
    }
    let index = module
        .imports
        .iter()
        .position(|import| import.module == VM_HOOKS_MODULE && import.name == PAY_FOR_MEMORY_GROW)
        .ok_or(ActivationError::MissingPayForMemoryGrow)?;
    let index = u32::try_from(index).unwrap_or(u32::MAX);
    let ty = module.function_type(index).ok_or(ActivationError::MissingPayForMemoryGrow)?;
    if ty.params() != [ValType::I32] || !ty.results().is_empty() {
        return Err(ActivationError::PayForMemoryGrowType(signature(ty)));
    }
    Ok(Some(index))
}

/// Calls `pay_for_memory_grow(pages)` right before each `memory.grow`, with the same operand.
/// A memory that cannot grow needs no payment: its `memory.grow` just fails.
pub(super) fn bound_heap<'a>(
    ops: Vec<Operator<'a>>,
    pay_func: Option<u32>,
    globals: &StylusGlobals,
) -> Vec<Operator<'a>> {
    let Some(function_index) = pay_func else {
        return ops;
    };
    let scratch = globals.scratch;
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        if matches!(op, Operator::MemoryGrow { .. }) {
            out.extend([
                Operator::GlobalSet { global_index: scratch },
                Operator::GlobalGet { global_index: scratch },
                Operator::GlobalGet { global_index: scratch },
                Operator::Call { function_index },
            ]);
        }
        out.push(op);
    }
    out
}
