//! The checks Nitro makes while building its prover module from the instrumented program
//! (`machine.rs` `from_binary`, reference §5.3 and §5.5): imports must be Stylus host functions with
//! their exact types, floats must not be computed with, and segments must fit.

use wasmparser::{DataKind, ElementItems, ElementKind, FuncType, Operator, RefType};

use super::module::{signature, Module};
use super::ActivationError;
use crate::hostio;

/// Runs the checks in Nitro's order: imports, function bodies, data segments, tables, element
/// segments.
///
/// # Errors
///
/// The [`ActivationError`] of the first broken rule.
pub(super) fn check_linking(module: &Module<'_>, debug_chain: bool) -> Result<(), ActivationError> {
    check_imports(module, debug_chain)?;
    for (func, code) in module.codes.iter().enumerate() {
        if let Some(op) = code.ops.iter().find(|op| is_float_computation(op)) {
            let func = u32::try_from(func).unwrap_or(u32::MAX);
            return Err(ActivationError::FloatOperation { func, op: format!("{op:?}") });
        }
    }
    check_data(module)?;
    if let Some(table) = module.tables.iter().find(|table| table.element_type != RefType::FUNCREF) {
        return Err(ActivationError::TableType(format!("{:?}", table.element_type)));
    }
    check_elements(module)
}

fn check_imports(module: &Module<'_>, debug_chain: bool) -> Result<(), ActivationError> {
    for import in &module.imports {
        let named = || (import.module.to_owned(), import.name.to_owned());
        let Some((host, debug_only)) = hostio::lookup(import.module, import.name) else {
            let (module, name) = named();
            return Err(ActivationError::UnknownImport { module, name });
        };
        if debug_only && !debug_chain {
            let (module, name) = named();
            return Err(ActivationError::DebugImport { module, name });
        }
        let have = module
            .type_at(import.type_index)
            .ok_or_else(|| ActivationError::Malformed(format!("no type {}", import.type_index)))?;
        if have.params() != host.params || have.results() != host.results {
            let (module, name) = named();
            let expected = signature(&FuncType::new(host.params.iter().copied(), host.results.iter().copied()));
            return Err(ActivationError::ImportSignature { module, name, expected, have: signature(have) });
        }
    }
    Ok(())
}

/// Float arithmetic, comparisons and conversions need a float implementation, and Stylus programs
/// link none. Loads, stores, constants and reinterpretations pass (and are priced out of reach).
fn is_float_computation(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(
        op,
        O::F32Eq
            | O::F32Ne
            | O::F32Lt
            | O::F32Gt
            | O::F32Le
            | O::F32Ge
            | O::F64Eq
            | O::F64Ne
            | O::F64Lt
            | O::F64Gt
            | O::F64Le
            | O::F64Ge
            | O::F32Abs
            | O::F32Neg
            | O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F32Sqrt
            | O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Min
            | O::F32Max
            | O::F32Copysign
            | O::F64Abs
            | O::F64Neg
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest
            | O::F64Sqrt
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Min
            | O::F64Max
            | O::F64Copysign
            | O::I32TruncF32S
            | O::I32TruncF32U
            | O::I32TruncF64S
            | O::I32TruncF64U
            | O::I64TruncF32S
            | O::I64TruncF32U
            | O::I64TruncF64S
            | O::I64TruncF64U
            | O::F32ConvertI32S
            | O::F32ConvertI32U
            | O::F32ConvertI64S
            | O::F32ConvertI64U
            | O::F32DemoteF64
            | O::F64ConvertI32S
            | O::F64ConvertI32U
            | O::F64ConvertI64S
            | O::F64ConvertI64U
            | O::F64PromoteF32
            | O::I32TruncSatF32S
            | O::I32TruncSatF32U
            | O::I32TruncSatF64S
            | O::I32TruncSatF64U
            | O::I64TruncSatF32S
            | O::I64TruncSatF32U
            | O::I64TruncSatF64S
            | O::I64TruncSatF64U
    )
}

/// Active data segments must use an `i32.const` offset and fit in the initial memory; passive
/// ones are skipped.
fn check_data(module: &Module<'_>) -> Result<(), ActivationError> {
    let memory_bytes = module.memories.first().map_or(0, |memory| memory.initial.saturating_mul(65_536));
    for data in &module.datas {
        let DataKind::Active { memory_index, offset_expr } = &data.kind else {
            continue;
        };
        if *memory_index != 0 {
            return Err(ActivationError::DataMemoryIndex);
        }
        let offset = constant_offset(offset_expr, "data")?;
        let len = data.data.len();
        // Nitro casts the i32 to usize with sign extension, so a negative offset never fits.
        let fits = u64::try_from(offset).is_ok_and(|start| start.saturating_add(len as u64) <= memory_bytes);
        if !fits {
            return Err(ActivationError::DataOutOfBounds { offset, len });
        }
    }
    Ok(())
}

/// Active element segments must list functions, use an `i32.const` offset and fit in their
/// table; passive and declared ones are skipped.
fn check_elements(module: &Module<'_>) -> Result<(), ActivationError> {
    for element in &module.elements {
        let ElementKind::Active { table_index, offset_expr } = &element.kind else {
            continue;
        };
        let offset = constant_offset(offset_expr, "element")?;
        let table_index = table_index.unwrap_or(0);
        let table = module.tables.get(table_index as usize).ok_or(ActivationError::ElementTable(table_index))?;
        let ElementItems::Functions(functions) = &element.items else {
            return Err(ActivationError::NonConstantElements);
        };
        let len = functions.count() as usize;
        let fits = u64::try_from(offset).is_ok_and(|start| start.saturating_add(len as u64) <= table.initial);
        if !fits {
            return Err(ActivationError::ElementOutOfBounds { offset, len, table_len: table.initial });
        }
    }
    Ok(())
}

fn constant_offset(expr: &wasmparser::ConstExpr<'_>, segment: &'static str) -> Result<i32, ActivationError> {
    let mut reader = expr.get_operators_reader();
    match (reader.read(), reader.read(), reader.eof()) {
        (Ok(Operator::I32Const { value }), Ok(Operator::End), true) => Ok(value),
        _ => Err(ActivationError::NonConstantOffset(segment)),
    }
}
