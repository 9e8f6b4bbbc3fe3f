//! Ink metering by basic block (reference §1.3) with Nitro's `pricing_v1` opcode table (§1.4).

use wasmparser::{BlockType, Operator};

use super::globals::StylusGlobals;
use super::module::Module;

/// Ink for checking the ink left, added to every block (`ink_header_cost`, Stylus versions 1 and 2).
pub(crate) const INK_HEADER_COST: u64 = 2450;

/// Charges each basic block, up front, for all of its operators plus [`INK_HEADER_COST`]
/// (reference §1.3). The check goes before the block's first operator: when the ink left is below
/// the block's cost, the status global becomes 1 and the program traps; otherwise the cost is
/// deducted.
pub(super) fn meter<'a>(ops: Vec<Operator<'a>>, module: &Module<'_>, globals: &StylusGlobals) -> Vec<Operator<'a>> {
    let mut out = Vec::with_capacity(ops.len() * 2);
    let mut block = Vec::new();
    let mut cost: u64 = 0;
    for op in ops {
        cost = cost.saturating_add(op_ink(&op, module));
        let ends_block = ends_basic_block(&op);
        block.push(op);
        if ends_block {
            out.extend(charge(cost.saturating_add(INK_HEADER_COST), globals));
            out.append(&mut block);
            cost = 0;
        }
    }
    // A body always ends with `end`, which closes the last block, so `block` is empty here.
    out
}

fn charge<'a>(cost: u64, globals: &StylusGlobals) -> [Operator<'a>; 12] {
    // Nitro emits the cost as `i64.const (cost as i64)`, so a `u64::MAX` block compares as
    // unsigned `u64::MAX` and is affordable only with exactly that much ink.
    let cost = cost as i64;
    [
        Operator::GlobalGet { global_index: globals.ink_left },
        Operator::I64Const { value: cost },
        Operator::I64LtU,
        Operator::If { blockty: BlockType::Empty },
        Operator::I32Const { value: 1 },
        Operator::GlobalSet { global_index: globals.ink_status },
        Operator::Unreachable,
        Operator::End,
        Operator::GlobalGet { global_index: globals.ink_left },
        Operator::I64Const { value: cost },
        Operator::I64Sub,
        Operator::GlobalSet { global_index: globals.ink_left },
    ]
}

/// Operators that end a basic block and belong to the block they end (`ends_basic_block`).
/// `block` and `unreachable` do not end one.
fn ends_basic_block(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::End
            | Operator::Else
            | Operator::Return
            | Operator::Loop { .. }
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::If { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
    )
}

/// The ink of one operator (reference §1.4, `pricing_v1`); `u64::MAX` for everything Stylus does
/// not price, floats included.
pub(crate) fn op_ink(op: &Operator<'_>, module: &Module<'_>) -> u64 {
    use Operator as O;
    match op {
        O::Unreachable | O::Return | O::Nop | O::I32Const { .. } | O::I64Const { .. } => 1,
        O::Block { .. } | O::Loop { .. } | O::Else | O::End => 1,
        O::Drop => 9,
        O::Br { .. } | O::BrIf { .. } | O::If { .. } => 765,
        O::Select => 1250,
        O::Call { .. } => 3800,
        O::LocalGet { .. } | O::LocalTee { .. } => 75,
        O::LocalSet { .. } => 210,
        O::GlobalGet { .. } => 225,
        O::GlobalSet { .. } => 575,
        O::I32Load { .. } | O::I32Load8S { .. } | O::I32Load8U { .. } | O::I32Load16S { .. } | O::I32Load16U { .. } => {
            670
        }
        O::I64Load { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. } => 680,
        O::I32Store { .. } | O::I32Store8 { .. } | O::I32Store16 { .. } => 825,
        O::I64Store { .. } | O::I64Store8 { .. } | O::I64Store16 { .. } | O::I64Store32 { .. } => 950,
        O::MemorySize { .. } => 3000,
        // The pages themselves are paid through `pay_for_memory_grow` (reference §1.6).
        O::MemoryGrow { .. } => 8050,
        O::I32Eqz
        | O::I32Eq
        | O::I32Ne
        | O::I32LtS
        | O::I32LtU
        | O::I32GtS
        | O::I32GtU
        | O::I32LeS
        | O::I32LeU
        | O::I32GeS
        | O::I32GeU => 170,
        O::I64Eqz
        | O::I64Eq
        | O::I64Ne
        | O::I64LtS
        | O::I64LtU
        | O::I64GtS
        | O::I64GtU
        | O::I64LeS
        | O::I64LeU
        | O::I64GeS
        | O::I64GeU => 225,
        O::I32Clz | O::I32Ctz | O::I64Clz | O::I64Ctz => 210,
        O::I32Add | O::I32Sub => 70,
        O::I32Mul | O::I64Mul => 160,
        O::I32DivS | O::I32DivU | O::I32RemS | O::I32RemU => 1120,
        O::I32And | O::I32Or | O::I32Xor | O::I32Shl | O::I32ShrS | O::I32ShrU | O::I32Rotl | O::I32Rotr => 70,
        O::I64Add | O::I64Sub => 100,
        O::I64DivS | O::I64DivU | O::I64RemS | O::I64RemU => 1270,
        O::I64And | O::I64Or | O::I64Xor | O::I64Shl | O::I64ShrS | O::I64ShrU | O::I64Rotl | O::I64Rotr => 100,
        O::I32Popcnt => 2650,
        O::I64Popcnt => 6000,
        O::I32WrapI64 | O::I64ExtendI32S | O::I64ExtendI32U => 100,
        O::I32Extend8S | O::I32Extend16S | O::I64Extend8S | O::I64Extend16S | O::I64Extend32S => 100,
        // Plus the per-byte charge of the dynamic meter (reference §1.5).
        O::MemoryCopy { .. } | O::MemoryFill { .. } => 950,
        // Targets without the default, as wasmparser's `BrTable::len` counts them.
        O::BrTable { targets } => 2400 + 325 * u64::from(targets.len()),
        O::CallIndirect { type_index, .. } => {
            module.type_at(*type_index).map_or(u64::MAX, |ty| 13_610 + 650 * ty.params().len() as u64)
        }
        _ => u64::MAX,
    }
}
