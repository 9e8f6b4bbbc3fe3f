//! The exports of the instrumented module: Nitro's StartMover (reference §1.2 step 1) followed by
//! the exported globals the meters and the depth checker add.

use wasmparser::ExternalKind;

use super::globals::{StylusGlobals, INK_LEFT_EXPORT, INK_STATUS_EXPORT, SCRATCH_EXPORT, STACK_LEFT_EXPORT};
use super::module::Module;
use super::ActivationError;

/// The export a program's entry point must have (reference §5.5).
pub const ENTRYPOINT_EXPORT: &str = "user_entrypoint";
/// The export the program's memory must have.
pub const MEMORY_EXPORT: &str = "memory";
/// Where debug chains keep the start function (it is not run on instantiation).
pub const START_EXPORT: &str = "stylus_start";

/// One export of the instrumented module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ExportEntry<'a> {
    pub name: &'a str,
    pub kind: ExternalKind,
    pub index: u32,
}

/// Moves the start function to the `stylus_start` export, which only debug chains allow, and on
/// other chains drops every export but `user_entrypoint` (a function) and `memory` (a memory).
/// (Nitro's list also keeps `stylus_start`, which a non-debug chain can never have: a start
/// function is refused and a user export of that name is reserved.)
/// Then adds the instrumentation globals' exports.
///
/// # Errors
///
/// [`ActivationError::StartFunction`] for a start function on a non-debug chain.
pub(super) fn instrumented_exports<'a>(
    module: &Module<'a>,
    debug_chain: bool,
    globals: &StylusGlobals,
) -> Result<Vec<ExportEntry<'a>>, ActivationError> {
    if module.start.is_some() && !debug_chain {
        return Err(ActivationError::StartFunction);
    }
    let mut exports: Vec<ExportEntry<'a>> = module
        .exports
        .iter()
        .map(|export| ExportEntry { name: export.name, kind: export.kind, index: export.index })
        .filter(|export| debug_chain || is_kept(export))
        .collect();
    // The reserved-name rule has already refused a `stylus_start` export, so this name is free.
    exports.extend(module.start.map(|start| ExportEntry {
        name: START_EXPORT,
        kind: ExternalKind::Func,
        index: start,
    }));

    let global = |name, index| ExportEntry { name, kind: ExternalKind::Global, index };
    exports.extend([
        global(INK_LEFT_EXPORT, globals.ink_left),
        global(INK_STATUS_EXPORT, globals.ink_status),
        global(SCRATCH_EXPORT, globals.scratch),
        global(STACK_LEFT_EXPORT, globals.stack_left),
    ]);
    Ok(exports)
}

fn is_kept(export: &ExportEntry<'_>) -> bool {
    matches!(
        (export.name, export.kind),
        (ENTRYPOINT_EXPORT, ExternalKind::Func) | (MEMORY_EXPORT, ExternalKind::Memory)
    )
}

/// Checks that `user_entrypoint` names a function of type `(i32) -> i32` (reference §5.5).
///
/// # Errors
///
/// [`ActivationError::MissingEntrypoint`], [`ActivationError::EntrypointNotFunction`] or
/// [`ActivationError::EntrypointType`].
pub(super) fn check_entrypoint(module: &Module<'_>, exports: &[ExportEntry<'_>]) -> Result<(), ActivationError> {
    let export =
        exports.iter().find(|export| export.name == ENTRYPOINT_EXPORT).ok_or(ActivationError::MissingEntrypoint)?;
    if export.kind != ExternalKind::Func {
        return Err(ActivationError::EntrypointNotFunction(kind_name(export.kind)));
    }
    let ty = module
        .function_type(export.index)
        .ok_or_else(|| ActivationError::Malformed(format!("no function {}", export.index)))?;
    if ty.params() != [wasmparser::ValType::I32] || ty.results() != [wasmparser::ValType::I32] {
        return Err(ActivationError::EntrypointType(super::module::signature(ty)));
    }
    Ok(())
}

fn kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func => "Func",
        ExternalKind::Table => "Table",
        ExternalKind::Memory => "Memory",
        ExternalKind::Global => "Global",
        ExternalKind::Tag => "Tag",
    }
}
