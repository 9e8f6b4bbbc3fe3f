//! Per-byte ink for `memory.fill` and `memory.copy` (reference §1.5), and the bulk-memory
//! operators Stylus refuses.

use wasmparser::{BlockType, Operator};

use super::globals::StylusGlobals;
use super::ActivationError;

/// Ink per byte filled or copied (`memory_fill_ink = memory_copy_ink = 800 / 8`).
pub(crate) const BULK_MEMORY_INK_PER_BYTE: i64 = 100;

/// Charges `size × 100` ink right before each `memory.fill` and `memory.copy`, trapping with
/// status 1 when that exceeds the ink left. Refuses `memory.init`, `data.drop`, `elem.drop` and the
/// `table.*` operators.
///
/// # Errors
///
/// [`ActivationError::OpcodeNotSupported`] for a refused operator.
pub(super) fn meter_bulk_memory<'a>(
    ops: Vec<Operator<'a>>,
    func: u32,
    globals: &StylusGlobals,
) -> Result<Vec<Operator<'a>>, ActivationError> {
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } => out.extend(charge_per_byte(globals)),
            Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::ElemDrop { .. }
            | Operator::TableInit { .. }
            | Operator::TableCopy { .. }
            | Operator::TableFill { .. }
            | Operator::TableGet { .. }
            | Operator::TableSet { .. }
            | Operator::TableGrow { .. }
            | Operator::TableSize { .. } => {
                return Err(ActivationError::OpcodeNotSupported { func, op: format!("{op:?}") });
            }
            _ => {}
        }
        out.push(op);
    }
    Ok(out)
}

/// Expects the length operand on top of the stack and leaves it there.
fn charge_per_byte<'a>(globals: &StylusGlobals) -> [Operator<'a>; 17] {
    let StylusGlobals { ink_left, ink_status, scratch, .. } = *globals;
    [
        Operator::GlobalSet { global_index: scratch },
        Operator::GlobalGet { global_index: ink_left },
        Operator::GlobalGet { global_index: ink_left },
        Operator::GlobalGet { global_index: scratch },
        // A u32 length times 100 cannot overflow an i64.
        Operator::I64ExtendI32U,
        Operator::I64Const { value: BULK_MEMORY_INK_PER_BYTE },
        Operator::I64Mul,
        Operator::I64Sub,
        Operator::GlobalSet { global_index: ink_left },
        Operator::GlobalGet { global_index: ink_left },
        // The subtraction wrapped iff the new ink is above the old.
        Operator::I64LtU,
        Operator::If { blockty: BlockType::Empty },
        Operator::I32Const { value: 1 },
        Operator::GlobalSet { global_index: ink_status },
        Operator::Unreachable,
        Operator::End,
        Operator::GlobalGet { global_index: scratch },
    ]
}
