//! The depth checker: a deterministic stack budget in "words" (reference §1.7,
//! `crates/prover/src/programs/depth.rs`).
//!
//! It runs after the meters, so the frame it measures includes the values their checks push.

use wasmparser::{BlockType, FuncType, Operator};

use super::globals::StylusGlobals;
use super::module::Module;
use super::ActivationError;

/// Largest frame a function may have, in words.
pub(crate) const MAX_FRAME_SIZE: u32 = 10 * 1024;
/// Most values a function may have on its operand stack at once.
pub(crate) const MAX_FRAME_CONTENTION: u32 = 4096;

/// Words every frame costs besides its operands and declared locals.
const FRAME_OVERHEAD: u32 = 4;

/// Makes a function pay its frame size on entry (trapping with `stylus_stack_left = 0` when the
/// budget left is not above it) and give it back before every `return` and before a `return`
/// added ahead of the final `end`.
///
/// # Errors
///
/// [`ActivationError::FrameTooLarge`], [`ActivationError::TooManyStackValues`], or
/// [`ActivationError::UnsupportedExtension`] for an operator the checker cannot measure.
pub(super) fn check_depth<'a>(
    mut ops: Vec<Operator<'a>>,
    locals: usize,
    func: u32,
    module: &Module<'_>,
    globals: &StylusGlobals,
) -> Result<Vec<Operator<'a>>, ActivationError> {
    let size = frame_size(&ops, locals, func, module)?;
    let stack_left = globals.stack_left;
    // Below the 10 240-word limit, so it fits an i32.
    let size = size as i32;
    let reclaim = [
        Operator::GlobalGet { global_index: stack_left },
        Operator::I32Const { value: size },
        Operator::I32Add,
        Operator::GlobalSet { global_index: stack_left },
    ];

    let mut out = Vec::with_capacity(ops.len() + 24);
    out.extend([
        Operator::GlobalGet { global_index: stack_left },
        Operator::I32Const { value: size },
        Operator::I32LeU,
        Operator::If { blockty: BlockType::Empty },
        Operator::I32Const { value: 0 },
        Operator::GlobalSet { global_index: stack_left },
        Operator::Unreachable,
        Operator::End,
        Operator::GlobalGet { global_index: stack_left },
        Operator::I32Const { value: size },
        Operator::I32Sub,
        Operator::GlobalSet { global_index: stack_left },
    ]);
    let last = ops.pop();
    for op in ops {
        if matches!(op, Operator::Return) {
            out.extend(reclaim.clone());
        }
        out.push(op);
    }
    // Nitro appends a `return` before the final `end` (to match its prover), so falling off the
    // end gives the frame back too.
    out.extend(reclaim);
    out.push(Operator::Return);
    out.extend(last);
    Ok(out)
}

/// `worst operand stack + declared locals + 4`, after checking both limits.
fn frame_size(ops: &[Operator<'_>], locals: usize, func: u32, module: &Module<'_>) -> Result<u32, ActivationError> {
    let worst = worst_case_stack(ops, func, module)?;
    if worst > MAX_FRAME_CONTENTION {
        return Err(ActivationError::TooManyStackValues { func, count: worst, limit: MAX_FRAME_CONTENTION });
    }
    let locals = u32::try_from(locals).unwrap_or(u32::MAX);
    let size = worst.saturating_add(locals).saturating_add(FRAME_OVERHEAD);
    if size > MAX_FRAME_SIZE {
        return Err(ActivationError::FrameTooLarge { func, size, limit: MAX_FRAME_SIZE });
    }
    Ok(size)
}

/// Nitro's abstract interpretation of the operand stack (`worst_case_depth`). It is deliberately
/// not a wasm type checker: code after a branch keeps the height it had, block results count as
/// pre-allocated slots, and calls push their results before popping their parameters.
fn worst_case_stack(ops: &[Operator<'_>], func: u32, module: &Module<'_>) -> Result<u32, ActivationError> {
    use Operator as O;

    let mut stack = StackModel::default();
    let mut scopes = vec![0];
    let malformed = |what: &str| ActivationError::Malformed(format!("{what} in func {func}"));
    for op in ops {
        match op {
            O::Block { blockty } | O::Loop { blockty } => {
                stack.block_type(*blockty, module).ok_or_else(|| malformed("missing block type"))?;
                scopes.push(stack.height);
            }
            O::If { blockty } => {
                stack.pop(1);
                stack.block_type(*blockty, module).ok_or_else(|| malformed("missing block type"))?;
                scopes.push(stack.height);
            }
            O::Else => stack.height = *scopes.last().ok_or_else(|| malformed("malformed if-else scope"))?,
            O::End => stack.height = scopes.pop().ok_or_else(|| malformed("malformed scoping"))?,
            O::Call { function_index } => {
                stack.call(module.function_type(*function_index).ok_or_else(|| malformed("missing function type"))?);
            }
            O::CallIndirect { type_index, .. } => {
                stack.call(module.type_at(*type_index).ok_or_else(|| malformed("missing signature"))?);
                stack.pop(1);
            }
            // Nitro measures these as calls to its internal (i32, i32, i32) -> () functions.
            O::MemoryFill { .. } | O::MemoryCopy { .. } => stack.pop(3),

            O::Nop
            | O::Unreachable
            | O::I32Eqz
            | O::I64Eqz
            | O::I32Clz
            | O::I32Ctz
            | O::I32Popcnt
            | O::I64Clz
            | O::I64Ctz
            | O::I64Popcnt
            | O::Br { .. }
            | O::Return
            | O::LocalTee { .. }
            | O::MemoryGrow { .. }
            | O::I32Load { .. }
            | O::I64Load { .. }
            | O::F32Load { .. }
            | O::F64Load { .. }
            | O::I32Load8S { .. }
            | O::I32Load8U { .. }
            | O::I32Load16S { .. }
            | O::I32Load16U { .. }
            | O::I64Load8S { .. }
            | O::I64Load8U { .. }
            | O::I64Load16S { .. }
            | O::I64Load16U { .. }
            | O::I64Load32S { .. }
            | O::I64Load32U { .. }
            | O::I32WrapI64
            | O::I64ExtendI32S
            | O::I64ExtendI32U
            | O::I32Extend8S
            | O::I32Extend16S
            | O::I64Extend8S
            | O::I64Extend16S
            | O::I64Extend32S
            | O::F32Abs
            | O::F32Neg
            | O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F32Sqrt
            | O::F64Abs
            | O::F64Neg
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest
            | O::F64Sqrt
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
            | O::I32ReinterpretF32
            | O::I64ReinterpretF64
            | O::F32ReinterpretI32
            | O::F64ReinterpretI64
            | O::I32TruncSatF32S
            | O::I32TruncSatF32U
            | O::I32TruncSatF64S
            | O::I32TruncSatF64U
            | O::I64TruncSatF32S
            | O::I64TruncSatF32U
            | O::I64TruncSatF64S
            | O::I64TruncSatF64U => {}

            O::LocalGet { .. }
            | O::GlobalGet { .. }
            | O::MemorySize { .. }
            | O::I32Const { .. }
            | O::I64Const { .. }
            | O::F32Const { .. }
            | O::F64Const { .. } => stack.push(1),

            O::Drop
            | O::I32Eq
            | O::I32Ne
            | O::I32LtS
            | O::I32LtU
            | O::I32GtS
            | O::I32GtU
            | O::I32LeS
            | O::I32LeU
            | O::I32GeS
            | O::I32GeU
            | O::I64Eq
            | O::I64Ne
            | O::I64LtS
            | O::I64LtU
            | O::I64GtS
            | O::I64GtU
            | O::I64LeS
            | O::I64LeU
            | O::I64GeS
            | O::I64GeU
            | O::F32Eq
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
            | O::I32Add
            | O::I32Sub
            | O::I32Mul
            | O::I32DivS
            | O::I32DivU
            | O::I32RemS
            | O::I32RemU
            | O::I64Add
            | O::I64Sub
            | O::I64Mul
            | O::I64DivS
            | O::I64DivU
            | O::I64RemS
            | O::I64RemU
            | O::I32And
            | O::I32Or
            | O::I32Xor
            | O::I32Shl
            | O::I32ShrS
            | O::I32ShrU
            | O::I32Rotl
            | O::I32Rotr
            | O::I64And
            | O::I64Or
            | O::I64Xor
            | O::I64Shl
            | O::I64ShrS
            | O::I64ShrU
            | O::I64Rotl
            | O::I64Rotr
            | O::F32Add
            | O::F32Sub
            | O::F32Mul
            | O::F32Div
            | O::F32Min
            | O::F32Max
            | O::F32Copysign
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F64Div
            | O::F64Min
            | O::F64Max
            | O::F64Copysign
            | O::BrIf { .. }
            | O::BrTable { .. }
            | O::LocalSet { .. }
            | O::GlobalSet { .. } => stack.pop(1),

            O::Select
            | O::I32Store { .. }
            | O::I64Store { .. }
            | O::F32Store { .. }
            | O::F64Store { .. }
            | O::I32Store8 { .. }
            | O::I32Store16 { .. }
            | O::I64Store8 { .. }
            | O::I64Store16 { .. }
            | O::I64Store32 { .. } => stack.pop(2),

            // Nitro names the proposal of each such operator; none passes Stylus's validator
            // features, and the bulk-memory ones are refused before this pass.
            other => return Err(ActivationError::UnsupportedExtension { func, op: format!("{other:?}") }),
        }
    }
    Ok(stack.worst)
}

#[derive(Default)]
struct StackModel {
    height: u32,
    worst: u32,
}

impl StackModel {
    fn push(&mut self, count: usize) {
        self.height = self.height.saturating_add(u32::try_from(count).unwrap_or(u32::MAX));
        self.worst = self.worst.max(self.height);
    }

    fn pop(&mut self, count: usize) {
        self.height = self.height.saturating_sub(u32::try_from(count).unwrap_or(u32::MAX));
    }

    /// The peak is taken with the results pushed and the parameters still there.
    fn call(&mut self, ty: &FuncType) {
        self.push(ty.results().len());
        self.pop(ty.params().len());
    }

    /// A block with a result gets one slot up front; a typed block counts like a call.
    fn block_type(&mut self, blockty: BlockType, module: &Module<'_>) -> Option<()> {
        match blockty {
            BlockType::Empty => {}
            BlockType::Type(_) => self.push(1),
            BlockType::FuncType(index) => self.call(module.type_at(index)?),
        }
        Some(())
    }
}
