//! The globals instrumentation adds (reference §1.2), exported so the host can set the ink and
//! stack budget before a call and read them after.

/// Export name of the ink left (mutable i64).
pub const INK_LEFT_EXPORT: &str = "stylus_ink_left";
/// Export name of the ink status (mutable i32): 0 while ink lasts, 1 once a block could not pay.
pub const INK_STATUS_EXPORT: &str = "stylus_ink_status";
/// Export name of the scratch global the dynamic meter and the heap bound share (mutable i32).
pub const SCRATCH_EXPORT: &str = "stylus_scratch_global";
/// Export name of the stack budget left, in words (mutable i32); 0 after running out of stack.
pub const STACK_LEFT_EXPORT: &str = "stylus_stack_left";

/// Where the added globals sit: after the module's own, in the order Nitro's middlewares add them
/// (meter: ink left and status; dynamic meter: scratch; depth checker: stack left).
#[derive(Clone, Copy, Debug)]
pub(crate) struct StylusGlobals {
    pub ink_left: u32,
    pub ink_status: u32,
    pub scratch: u32,
    pub stack_left: u32,
}

impl StylusGlobals {
    /// How many globals instrumentation adds.
    pub const COUNT: usize = 4;

    /// The added globals of a module that declares `own` globals (and imports none: activation
    /// refuses non-function imports).
    pub fn after(own: usize) -> Self {
        let first = u32::try_from(own).unwrap_or(u32::MAX);
        Self {
            ink_left: first,
            ink_status: first.saturating_add(1),
            scratch: first.saturating_add(2),
            stack_left: first.saturating_add(3),
        }
    }
}
