//! The structural limits Nitro checks after instrumenting (reference §5.4, `parse_user`).

use super::exports::ExportEntry;
use super::module::Module;
use super::{ActivationError, ActivationParams};
use crate::activate::costs::ARBOS_VERSION_CHARGING_FIXES;
use crate::activate::globals::StylusGlobals;

/// Longest export name or module name, in bytes.
const MAX_NAME_LEN: usize = 512;

/// Checks, in Nitro's order, that the program fits the page limit and every anti-DoS limit.
/// `instrumented_lens` holds each function's operator count after instrumentation.
///
/// # Errors
///
/// [`ActivationError::MemoryExceedsLimit`], [`ActivationError::TooMany`] or
/// [`ActivationError::NameTooLong`].
pub(super) fn check_limits(
    module: &Module<'_>,
    exports: &[ExportEntry<'_>],
    instrumented_lens: &[usize],
    params: &ActivationParams,
) -> Result<(), ActivationError> {
    let pages = module.memories.first().map_or(0, |memory| memory.initial);
    if pages > params.page_limit.into() {
        return Err(ActivationError::MemoryExceedsLimit { pages, limit: params.page_limit });
    }

    let globals = module.globals.len() + StylusGlobals::COUNT;
    limit("memories", module.memories.len(), 1)?;
    limit("datas", module.datas.len(), 128)?;
    limit("elements", module.elements.len(), 128)?;
    limit("exports", exports.len(), 1024)?;
    limit("functions", module.codes.len(), 4096)?;
    limit("globals", globals, 32_768)?;
    for (code, &len) in module.codes.iter().zip(instrumented_lens) {
        limit("locals", code.locals.len(), 348)?;
        limit("opcodes in func body", len, 65_536)?;
    }
    if params.arbos_version >= ARBOS_VERSION_CHARGING_FIXES {
        limit("imports", module.imports.len(), 513)?;
    }
    let table_entries = module.tables.iter().fold(0u64, |sum, table| sum.saturating_add(table.initial));
    limit_u64("table entries", table_entries, 4096)?;
    let element_entries =
        module.elements.iter().fold(0u64, |sum, element| sum.saturating_add(element.range.len() as u64));
    limit_u64("element entries", element_entries, 4096)?;

    if let Some(export) = exports.iter().find(|export| export.name.len() > MAX_NAME_LEN) {
        return Err(ActivationError::NameTooLong { what: "name", len: export.name.len() });
    }
    if module.module_name.len() > MAX_NAME_LEN {
        return Err(ActivationError::NameTooLong { what: "module name", len: module.module_name.len() });
    }
    Ok(())
}

fn limit(what: &'static str, count: usize, max: u64) -> Result<(), ActivationError> {
    limit_u64(what, count as u64, max)
}

fn limit_u64(what: &'static str, count: u64, max: u64) -> Result<(), ActivationError> {
    if count > max {
        return Err(ActivationError::TooMany { what, count, limit: max });
    }
    Ok(())
}
