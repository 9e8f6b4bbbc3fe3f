//! The devnet's EVM: revm, with Stylus programs as a kind of frame inside it (reference §5.1: a
//! program's code starts with `EF F0 00`).
//!
//! revm's frame loop runs every EVM frame, precompile and value transfer with revm's journal. A
//! call frame whose code is a Stylus program is run by [`crate::stylus::run_program`] instead of
//! the interpreter; its result goes back through revm's own frame epilogue, so the checkpoint
//! commits or reverts exactly as an EVM frame's would. A program that calls or creates opens a child
//! frame on the same frame stack and runs revm's loop on it until the child returns
//! ([`DevEvm::run_child`]): one journal for both VMs, nested at any depth.

use revm::{
    context::{BlockEnv as RevmBlock, CfgEnv, Context, ContextError, Evm, Journal, TxEnv},
    handler::{
        instructions::EthInstructions, EthFrame, EvmTr, FrameData, FrameInitOrResult, FrameResult, ItemOrResult,
    },
    interpreter::{
        interpreter::EthInterpreter,
        interpreter_action::{FrameInit, FrameInput},
        CallScheme, InstructionResult, InterpreterAction,
    },
};
use std::convert::Infallible;

use super::db::StateDb;
use crate::{
    arbos::{ArbPrecompiles, ArbosTx},
    stylus,
};

/// revm's journal over the chain's state.
pub type DevJournal<'a> = Journal<StateDb<'a>>;
/// revm's context for one transaction on the devnet; its chain part is [`ArbosTx`].
pub type DevContext<'a> = Context<RevmBlock, TxEnv, CfgEnv, StateDb<'a>, DevJournal<'a>, ArbosTx<'a>>;
/// A database error inside revm's context: none can happen.
pub type DevError = ContextError<Infallible>;

type Instructions<'a> = EthInstructions<EthInterpreter, DevContext<'a>>;
type Frame = EthFrame<EthInterpreter>;

/// revm's EVM with the devnet's precompiles and Stylus frames.
pub struct DevEvm<'a> {
    inner: Evm<DevContext<'a>, (), Instructions<'a>, ArbPrecompiles, Frame>,
}

impl<'a> DevEvm<'a> {
    /// An EVM for one transaction or call in `ctx`.
    pub fn new(ctx: DevContext<'a>) -> Self {
        Self { inner: Evm::new(ctx, EthInstructions::new_mainnet_with_spec(super::SPEC), ArbPrecompiles::new()) }
    }

    /// The context.
    pub fn context(&mut self) -> &mut DevContext<'a> {
        &mut self.inner.ctx
    }

    /// Runs a call or create that the frame on top of the stack (a Stylus program) makes, to its
    /// end, and returns its result. The child and everything it calls run on revm's frame loop.
    ///
    /// # Errors
    /// Only a database error, which the in-memory state never returns.
    pub fn run_child(&mut self, frame_input: FrameInput) -> Result<FrameResult, DevError> {
        let base = self.inner.frame_stack.index();
        let parent = self.inner.frame_stack.get();
        let init =
            FrameInit { depth: parent.depth + 1, memory: parent.interpreter.memory.new_child_context(), frame_input };
        let result = self.run_to_base(init, base);
        self.inner.frame_stack.get().interpreter.memory.free_child_context();
        result
    }

    fn run_to_base(&mut self, init: FrameInit, base: Option<usize>) -> Result<FrameResult, DevError> {
        if let ItemOrResult::Result(result) = self.frame_init(init)? {
            return Ok(result);
        }
        loop {
            let result = match self.frame_run()? {
                ItemOrResult::Item(init) => match self.frame_init(init)? {
                    ItemOrResult::Item(_) => continue,
                    ItemOrResult::Result(result) => result,
                },
                ItemOrResult::Result(result) => result,
            };
            self.pop_finished();
            if self.inner.frame_stack.index() == base {
                return Ok(result);
            }
            self.inner.frame_stack.get().return_result::<_, DevError>(&mut self.inner.ctx, result)?;
        }
    }

    /// Pops the top frame if it has finished, closing its count for `msg_reentrant`.
    fn pop_finished(&mut self) {
        let top = self.inner.frame_stack.get();
        if top.is_finished() {
            if let Some(address) = acting_address(top) {
                self.inner.ctx.chain.leave(address);
            }
            self.inner.frame_stack.pop();
        }
    }
}

/// The address a frame acts as, for the frames `msg_reentrant` counts: calls and static calls, and
/// creations; delegate calls and call codes act as their caller and are not counted (§7).
fn acting_address(frame: &Frame) -> Option<alloy_primitives::Address> {
    match (&frame.input, &frame.data) {
        (FrameInput::Call(inputs), _) => {
            matches!(inputs.scheme, CallScheme::Call | CallScheme::StaticCall).then_some(inputs.target_address)
        }
        (FrameInput::Create(_), FrameData::Create(create)) => Some(create.created_address),
        _ => None,
    }
}

/// Whether the frame runs a Stylus program: a call whose code is one.
fn is_stylus_frame(frame: &Frame) -> bool {
    match &frame.input {
        FrameInput::Call(inputs) => stylus::is_program(inputs.known_bytecode.1.original_byte_slice()),
        _ => false,
    }
}

impl<'a> EvmTr for DevEvm<'a> {
    type Context = DevContext<'a>;
    type Instructions = Instructions<'a>;
    type Precompiles = ArbPrecompiles;
    type Frame = Frame;

    fn all(
        &self,
    ) -> (&Self::Context, &Self::Instructions, &Self::Precompiles, &revm::context::FrameStack<Self::Frame>) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut revm::context::FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        frame_input: FrameInit,
    ) -> Result<revm::handler::evm::FrameInitResult<'_, Self::Frame>, DevError> {
        if let ItemOrResult::Result(result) = self.inner.frame_init(frame_input)? {
            return Ok(ItemOrResult::Result(result));
        }
        if let Some(address) = acting_address(self.inner.frame_stack.get()) {
            self.inner.ctx.chain.enter(address);
        }
        Ok(ItemOrResult::Item(self.inner.frame_stack.get()))
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, DevError> {
        let frame = self.inner.frame_stack.get();
        let action = if is_stylus_frame(frame) {
            let FrameInput::Call(inputs) = frame.input.clone() else { unreachable!("checked by is_stylus_frame") };
            InterpreterAction::Return(stylus::run_program(self, &inputs))
        } else {
            let ctx = &mut self.inner.ctx;
            let instructions = &mut self.inner.instruction;
            let mut action =
                frame.interpreter.run_plain(instructions.instruction_table(), instructions.gas_table(), ctx);
            refuse_ef_code(frame, &mut action);
            action
        };
        let frame = self.inner.frame_stack.get();
        let next = frame.process_next_action::<_, DevError>(&mut self.inner.ctx, action)?;
        if next.is_result() {
            frame.set_finished(true);
        }
        Ok(next)
    }

    fn frame_return_result(&mut self, result: FrameResult) -> Result<Option<FrameResult>, DevError> {
        self.pop_finished();
        if self.inner.frame_stack.index().is_none() {
            return Ok(Some(result));
        }
        self.inner.frame_stack.get().return_result::<_, DevError>(&mut self.inner.ctx, result)?;
        Ok(None)
    }
}

/// EIP-3541 with Nitro's exemption (reference §5.1): init code may not deploy code starting with
/// 0xEF, except a Stylus program. (revm's own check is switched off, as it knows no exemption.)
fn refuse_ef_code(frame: &Frame, action: &mut InterpreterAction) {
    let InterpreterAction::Return(result) = action else { return };
    let creates = matches!(frame.data, FrameData::Create(_));
    if creates && result.result.is_ok() && result.output.first() == Some(&0xEF) && !stylus::is_program(&result.output) {
        result.result = InstructionResult::CreateContractStartingWithEF;
    }
}
