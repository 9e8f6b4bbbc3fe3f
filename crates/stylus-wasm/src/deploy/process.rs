//! What cargo-stylus does to rustc's output before compressing it (reference §5.7, §5.8).

use std::borrow::Cow;

use thiserror::Error;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, CustomSection, DataCountSection, DataSection, ElementSection, ExportSection, Function,
    FunctionSection, GlobalSection, ImportSection, MemorySection, StartSection, TableSection, TagSection, TypeSection,
    ValType,
};
use wasmparser::{BinaryReaderError, Encoding, FunctionBody, Operator, Parser, Payload};

/// Name of the custom section cargo-stylus appends: a hash of the project's sources, for
/// reproducible verification.
pub const PROJECT_HASH_SECTION: &str = "project_hash";

/// Why a wasm file could not be processed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DeployError {
    /// The bytes are not a readable wasm module.
    #[error("cannot read the wasm: {0}")]
    Parse(String),
    /// A construct that cannot be written back (never seen in rustc output).
    #[error("cannot re-encode the wasm: {0}")]
    Reencode(String),
    /// A component, not a core module.
    #[error("not a core wasm module: Stylus programs are core modules, not components")]
    NotAModule,
}

impl From<BinaryReaderError> for DeployError {
    fn from(err: BinaryReaderError) -> Self {
        Self::Parse(err.to_string())
    }
}

impl From<wasm_encoder::reencode::Error> for DeployError {
    fn from(err: wasm_encoder::reencode::Error) -> Self {
        Self::Reencode(err.to_string())
    }
}

/// Turns rustc's `wasm32-unknown-unknown` output into the wasm cargo-stylus deploys.
///
/// cargo-stylus prints the module as text and parses it back, drops every custom and unknown
/// section, and appends a 32-byte `project_hash` custom section. This does the same without the
/// text step: it reads the module with a permissive parser and writes every section again in
/// canonical form, which is what the text round trip amounts to. Above all that rewrites the
/// overlong 5-byte table index rustc ≥ 1.82 gives `call_indirect` as the single `0x00` byte a
/// validator without reference types requires (reference §5.7, "zero byte expected"). Like the
/// text encoder it also merges runs of same-typed locals, leaves out empty sections, and writes a
/// `datacount` section only when a function uses `memory.init` or `data.drop` (Nitro refuses
/// `datacount` sections).
///
/// # Errors
///
/// [`DeployError::Parse`] for bytes that are not a wasm module, [`DeployError::NotAModule`] for a
/// component, [`DeployError::Reencode`] for a construct the encoder cannot write.
pub fn process_wasm(raw: &[u8], project_hash: [u8; 32]) -> Result<Vec<u8>, DeployError> {
    let data_count = needed_data_count(raw)?;
    let mut out = wasm_encoder::Module::new();
    let mut reencoder = RoundtripReencoder;
    let mut code: Option<CodeSection> = None;
    for payload in Parser::new(0).parse_all(raw) {
        let payload = payload?;
        if !matches!(payload, Payload::CodeSectionEntry(_)) {
            if let Some(section) = code.take() {
                out.section(&section);
            }
        }
        match payload {
            Payload::Version { encoding: Encoding::Module, .. } => {}
            Payload::Version { .. } => return Err(DeployError::NotAModule),
            Payload::TypeSection(reader) if reader.count() > 0 => {
                let mut section = TypeSection::new();
                reencoder.parse_type_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::ImportSection(reader) if reader.count() > 0 => {
                let mut section = ImportSection::new();
                reencoder.parse_import_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::FunctionSection(reader) if reader.count() > 0 => {
                let mut section = FunctionSection::new();
                reencoder.parse_function_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::TableSection(reader) if reader.count() > 0 => {
                let mut section = TableSection::new();
                reencoder.parse_table_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::MemorySection(reader) if reader.count() > 0 => {
                let mut section = MemorySection::new();
                reencoder.parse_memory_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::TagSection(reader) if reader.count() > 0 => {
                let mut section = TagSection::new();
                reencoder.parse_tag_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::GlobalSection(reader) if reader.count() > 0 => {
                let mut section = GlobalSection::new();
                reencoder.parse_global_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::ExportSection(reader) if reader.count() > 0 => {
                let mut section = ExportSection::new();
                reencoder.parse_export_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::StartSection { func, .. } => {
                out.section(&StartSection { function_index: func });
            }
            Payload::ElementSection(reader) if reader.count() > 0 => {
                let mut section = ElementSection::new();
                reencoder.parse_element_section(&mut section, reader)?;
                out.section(&section);
            }
            Payload::CodeSectionStart { count, .. } => {
                if let Some(count) = data_count {
                    out.section(&DataCountSection { count });
                }
                if count > 0 {
                    code = Some(CodeSection::new());
                }
            }
            Payload::CodeSectionEntry(body) => {
                let function = canonical_body(&mut reencoder, &body)?;
                code.get_or_insert_with(CodeSection::new).function(&function);
            }
            Payload::DataSection(reader) if reader.count() > 0 => {
                let mut section = DataSection::new();
                reencoder.parse_data_section(&mut section, reader)?;
                out.section(&section);
            }
            // Empty sections, and the sections that are re-derived or stripped.
            Payload::TypeSection(_)
            | Payload::ImportSection(_)
            | Payload::FunctionSection(_)
            | Payload::TableSection(_)
            | Payload::MemorySection(_)
            | Payload::TagSection(_)
            | Payload::GlobalSection(_)
            | Payload::ExportSection(_)
            | Payload::ElementSection(_)
            | Payload::DataSection(_)
            | Payload::DataCountSection { .. }
            | Payload::CustomSection(_)
            | Payload::UnknownSection { .. }
            | Payload::End(_) => {}
            _ => return Err(DeployError::NotAModule),
        }
    }
    out.section(&CustomSection { name: Cow::Borrowed(PROJECT_HASH_SECTION), data: Cow::Borrowed(&project_hash) });
    Ok(out.finish())
}

/// The data segment count to declare, when some function needs it declared.
fn needed_data_count(raw: &[u8]) -> Result<Option<u32>, DeployError> {
    let mut segments = 0;
    let mut needed = false;
    for payload in Parser::new(0).parse_all(raw) {
        match payload? {
            Payload::DataSection(reader) => segments = reader.count(),
            Payload::CodeSectionEntry(body) if !needed => {
                let mut ops = body.get_operators_reader()?;
                while !ops.eof() {
                    if matches!(ops.read()?, Operator::MemoryInit { .. } | Operator::DataDrop { .. }) {
                        needed = true;
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(needed.then_some(segments))
}

/// A function body with canonical encodings and each run of same-typed locals declared once.
fn canonical_body(reencoder: &mut RoundtripReencoder, body: &FunctionBody<'_>) -> Result<Function, DeployError> {
    let mut locals: Vec<(u32, ValType)> = Vec::new();
    for group in body.get_locals_reader()? {
        let (count, ty) = group?;
        let ty = reencoder.val_type(ty)?;
        match locals.last_mut() {
            _ if count == 0 => {}
            Some((run, last)) if *last == ty => *run = run.saturating_add(count),
            _ => locals.push((count, ty)),
        }
    }
    let mut function = Function::new(locals);
    let mut ops = body.get_operators_reader()?;
    while !ops.eof() {
        function.instruction(&reencoder.instruction(ops.read()?)?);
    }
    Ok(function)
}
