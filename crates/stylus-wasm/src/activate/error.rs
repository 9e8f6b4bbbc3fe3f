//! Why activation refused a program. Messages follow Nitro's wording where the reference gives it,
//! so a developer can search for them.

use thiserror::Error;

/// A rule of Nitro's activation (reference §1.6, §1.7, §4.3, §5.3–5.5) that a program broke.
/// On chain every one of these is `ErrProgramActivation`: the precompile fails and burns all gas
/// (reference §6.3).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ActivationError {
    /// The validator, with Nitro's feature set, rejected the module (reference §5.3).
    #[error("failed to validate user: {0}")]
    Invalid(String),
    /// The module passed the validator but a part Nitro also reads is malformed (for example the
    /// `name` section).
    #[error("failed to parse wasm: {0}")]
    Malformed(String),
    /// A section the validator knows but Nitro's parser does not, such as `datacount`.
    #[error("unsupported section type {0}")]
    UnsupportedSection(&'static str),
    /// A section id nobody knows.
    #[error("unsupported unknown section type {0}")]
    UnknownSection(u8),
    /// A global initialiser that is not one constant followed by `end`.
    #[error("Non-constant global initializer (global {0})")]
    NonConstantGlobal(u32),
    /// An import of a table, memory, global or tag.
    #[error("unsupported import kind for {module} {name}")]
    UnsupportedImportKind {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// The same import declared twice with different types.
    #[error("inconsistent imports for {module} {name}")]
    InconsistentImports {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An export whose last `__`-separated component is an import's name.
    #[error("binary exports an import with the same name {0}")]
    ExportsImportName(String),
    /// An export name whose last `__` component starts with `stylus`.
    #[error("binary exports reserved symbol {0}")]
    ReservedExport(String),
    /// An import name starting with `stylus`.
    #[error("binary imports reserved symbol {0}")]
    ReservedImport(String),
    /// A start function on a non-debug chain.
    #[error("start functions not allowed")]
    StartFunction,
    /// The module has no memory.
    #[error("missing memory export with name memory")]
    MissingMemory,
    /// The memory is not exported as `memory`.
    #[error("missing memory with export name memory")]
    MemoryNotExported,
    /// The memory starts with more pages than Stylus allows any program (128).
    #[error("memory size {pages} exceeds bound {bound}")]
    HeapBound {
        /// Initial pages.
        pages: u64,
        /// Pages allowed.
        bound: u64,
    },
    /// The memory can grow but `vm_hooks.pay_for_memory_grow` is not imported.
    #[error("missing import pay_for_memory_grow")]
    MissingPayForMemoryGrow,
    /// `pay_for_memory_grow` is imported with a type other than `(i32) -> ()`.
    #[error("wrong type for pay_for_memory_grow: {0}")]
    PayForMemoryGrowType(String),
    /// `memory.init`, `data.drop`, `elem.drop` or a `table.*` operator.
    #[error("opcode not supported: {op} in func {func}")]
    OpcodeNotSupported {
        /// Local function index.
        func: u32,
        /// The operator.
        op: String,
    },
    /// An operator from a proposal Stylus does not support reached the depth checker.
    #[error("extension {op} not supported in func {func}")]
    UnsupportedExtension {
        /// Local function index.
        func: u32,
        /// The operator.
        op: String,
    },
    /// A function's frame is larger than 10 240 words (reference §1.7).
    #[error("frame too large: {size} > {limit}-word limit in func {func}")]
    FrameTooLarge {
        /// Local function index.
        func: u32,
        /// Frame size in words.
        size: u32,
        /// The limit.
        limit: u32,
    },
    /// More than 4096 values may be on a function's operand stack at once.
    #[error("too many values on the stack at once in func {func}: {count} > {limit}")]
    TooManyStackValues {
        /// Local function index.
        func: u32,
        /// Worst-case operand stack.
        count: u32,
        /// The limit.
        limit: u32,
    },
    /// No function is exported as `user_entrypoint`.
    #[error("missing export with name user_entrypoint")]
    MissingEntrypoint,
    /// `user_entrypoint` is exported but is not a function (possible only on debug chains).
    #[error("export user_entrypoint must be a function but is a {0}")]
    EntrypointNotFunction(&'static str),
    /// `user_entrypoint` does not have type `(i32) -> i32`.
    #[error("wrong type for user_entrypoint: {0}")]
    EntrypointType(String),
    /// `init_cost` does not fit in a u16.
    #[error("init cost too high: {0}")]
    InitCostTooHigh(u64),
    /// `cached_init_cost` does not fit in a u16.
    #[error("cached cost too high: {0}")]
    CachedCostTooHigh(u64),
    /// `asm_estimate` does not fit in a u32.
    #[error("asm estimate too large: {0}")]
    AsmEstimateTooLarge(u64),
    /// The memory starts with more pages than are left in this transaction.
    #[error("memory exceeds limit: {pages} > {limit}")]
    MemoryExceedsLimit {
        /// Initial pages.
        pages: u64,
        /// Pages left (`PageLimit` minus the pages open).
        limit: u16,
    },
    /// A structural limit of reference §5.4.
    #[error("too many wasm {what}: {count} > {limit}")]
    TooMany {
        /// What was counted, in Nitro's words ("datas", "opcodes in func body", …).
        what: &'static str,
        /// How many there are.
        count: u64,
        /// The limit.
        limit: u64,
    },
    /// An export name or the module name is longer than 512 bytes.
    #[error("wasm {what} too long: {len} > 512")]
    NameTooLong {
        /// `name` (an export) or `module name`.
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// An import that is not one of the host functions of reference §2.3.
    #[error("No such import {name} in {module}")]
    UnknownImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// A `console` import on a chain that does not allow debug functions.
    #[error("Host func {name} in {module} not enabled: debug functions need a debug chain")]
    DebugImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// A host function imported with the wrong type.
    #[error(
        "Import {name} has different function signature than export: expected {expected} in {module} but have {have}"
    )]
    ImportSignature {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// Nitro's type.
        expected: String,
        /// The module's type.
        have: String,
    },
    /// Float arithmetic, comparison or conversion (Stylus links no float implementation).
    #[error("No implementation for floating point operation {op} in func {func}")]
    FloatOperation {
        /// Local function index.
        func: u32,
        /// The operator.
        op: String,
    },
    /// A segment offset that is not a single `i32.const`.
    #[error("Non-constant segment offset expression in {0} segment")]
    NonConstantOffset(&'static str),
    /// A data segment for a memory other than 0.
    #[error("Attempted to write to nonexistant memory")]
    DataMemoryIndex,
    /// An active data segment that does not fit in the initial memory.
    #[error("Out-of-bounds data memory init with offset {offset} and size {len}")]
    DataOutOfBounds {
        /// Offset, as the i32 the module wrote.
        offset: i32,
        /// Payload length.
        len: usize,
    },
    /// A table whose elements are not `funcref`.
    #[error("unsupported table type {0}")]
    TableType(String),
    /// An element segment for a table the module does not have.
    #[error("Element segment for non-existent table {0}")]
    ElementTable(u32),
    /// An element segment given as expressions rather than function indices.
    #[error("Non-constant element initializers are not supported")]
    NonConstantElements,
    /// An active element segment that does not fit in its table.
    #[error("Out of bounds element segment at offset {offset} and length {len} for table of length {table_len}")]
    ElementOutOfBounds {
        /// Offset, as the i32 the module wrote.
        offset: i32,
        /// Number of elements.
        len: usize,
        /// Table length.
        table_len: u64,
    },
    /// Writing the instrumented module failed (a bug rather than a property of the program).
    #[error("failed to encode the instrumented module: {0}")]
    Encode(String),
}
