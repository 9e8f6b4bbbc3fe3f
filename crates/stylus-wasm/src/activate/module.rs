//! Reading a program the way Nitro's `parse_with_version` does: validate with Nitro's feature set,
//! then keep what activation needs and refuse what Nitro's parser refuses (reference §5.3).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use wasmparser::{
    BinaryReaderError, Data, Element, Export, FuncType, Global, KnownCustom, MemoryType, Name, Operator, Parser,
    Payload, TableType, TypeRef, ValType, Validator, WasmFeatures,
};

use super::ActivationError;

/// The ArbOS version from which multi-value is refused (`ARBOS_VERSION_STYLUS_NO_MULTI_VALUE`).
const ARBOS_VERSION_NO_MULTI_VALUE: u64 = 60;

/// Nitro names a module without a `name` section after the file it came from; activation passes
/// "user" (`Path::new("user")` in `parse_user`), which counts towards the 512-byte limit.
const DEFAULT_MODULE_NAME: &str = "user";

/// A function import; parsing refuses every other kind.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FuncImport<'a> {
    pub module: &'a str,
    pub name: &'a str,
    pub type_index: u32,
}

/// A local function's body: its declared locals (parameters excluded) and its operators.
#[derive(Clone, Debug)]
pub(crate) struct Code<'a> {
    pub locals: Vec<ValType>,
    pub ops: Vec<Operator<'a>>,
}

/// The sections activation copies unchanged into the instrumented module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeptSection {
    Type,
    Import,
    Function,
    Table,
    Memory,
    Element,
    Data,
}

/// What activation reads from a program.
pub(crate) struct Module<'a> {
    pub types: Vec<FuncType>,
    pub imports: Vec<FuncImport<'a>>,
    /// Type index of each local function.
    pub functions: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<Global<'a>>,
    pub exports: Vec<Export<'a>>,
    pub start: Option<u32>,
    pub elements: Vec<Element<'a>>,
    pub datas: Vec<Data<'a>>,
    pub codes: Vec<Code<'a>>,
    pub module_name: String,
    /// Byte ranges (section contents) of the sections kept as they are.
    pub kept: Vec<(KeptSection, Range<usize>)>,
}

impl<'a> Module<'a> {
    /// Validates and reads `wasm` as Nitro would at `arbos_version`.
    pub fn parse(wasm: &'a [u8], arbos_version: u64) -> Result<Self, ActivationError> {
        Validator::new_with_features(nitro_features(arbos_version))
            .validate_all(wasm)
            .map_err(|err| ActivationError::Invalid(err.to_string()))?;

        let mut module = Module {
            types: Vec::new(),
            imports: Vec::new(),
            functions: Vec::new(),
            tables: Vec::new(),
            memories: Vec::new(),
            globals: Vec::new(),
            exports: Vec::new(),
            start: None,
            elements: Vec::new(),
            datas: Vec::new(),
            codes: Vec::new(),
            module_name: DEFAULT_MODULE_NAME.to_owned(),
            kept: Vec::new(),
        };
        for payload in Parser::new(0).parse_all(wasm) {
            module.read_payload(payload.map_err(malformed)?)?;
        }
        Ok(module)
    }

    fn read_payload(&mut self, payload: Payload<'a>) -> Result<(), ActivationError> {
        match payload {
            Payload::Version { .. } | Payload::End(_) | Payload::CodeSectionStart { .. } => {}
            Payload::TypeSection(reader) => {
                self.kept.push((KeptSection::Type, reader.range()));
                for ty in reader.into_iter_err_on_gc_types() {
                    self.types.push(ty.map_err(malformed)?);
                }
            }
            Payload::ImportSection(reader) => {
                self.kept.push((KeptSection::Import, reader.range()));
                for import in reader {
                    let import = import.map_err(malformed)?;
                    let TypeRef::Func(type_index) = import.ty else {
                        return Err(ActivationError::UnsupportedImportKind {
                            module: import.module.to_owned(),
                            name: import.name.to_owned(),
                        });
                    };
                    self.imports.push(FuncImport { module: import.module, name: import.name, type_index });
                }
            }
            Payload::FunctionSection(reader) => {
                self.kept.push((KeptSection::Function, reader.range()));
                for function in reader {
                    self.functions.push(function.map_err(malformed)?);
                }
            }
            Payload::TableSection(reader) => {
                self.kept.push((KeptSection::Table, reader.range()));
                for table in reader {
                    self.tables.push(table.map_err(malformed)?.ty);
                }
            }
            Payload::MemorySection(reader) => {
                self.kept.push((KeptSection::Memory, reader.range()));
                for memory in reader {
                    self.memories.push(memory.map_err(malformed)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global.map_err(malformed)?;
                    check_constant(&global, self.globals.len())?;
                    self.globals.push(global);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    self.exports.push(export.map_err(malformed)?);
                }
            }
            Payload::StartSection { func, .. } => self.start = Some(func),
            Payload::ElementSection(reader) => {
                self.kept.push((KeptSection::Element, reader.range()));
                for element in reader {
                    self.elements.push(element.map_err(malformed)?);
                }
            }
            Payload::DataSection(reader) => {
                self.kept.push((KeptSection::Data, reader.range()));
                for data in reader {
                    self.datas.push(data.map_err(malformed)?);
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut locals = Vec::new();
                for group in body.get_locals_reader().map_err(malformed)? {
                    let (count, ty) = group.map_err(malformed)?;
                    // The validator caps a function at 50 000 locals, so this stays small.
                    locals.extend(std::iter::repeat_n(ty, count as usize));
                }
                let mut reader = body.get_operators_reader().map_err(malformed)?;
                let mut ops = Vec::new();
                while !reader.eof() {
                    ops.push(reader.read().map_err(malformed)?);
                }
                self.codes.push(Code { locals, ops });
            }
            Payload::CustomSection(reader) => {
                // Nitro ignores every custom section but `name`, which it does read (reference
                // §5.3): a malformed one, or a module name over 512 bytes, fails activation.
                if let KnownCustom::Name(names) = reader.as_known() {
                    for name in names {
                        match name.map_err(malformed)? {
                            Name::Module { name, .. } => name.clone_into(&mut self.module_name),
                            Name::Function(map) => {
                                for naming in map {
                                    naming.map_err(malformed)?;
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            Payload::UnknownSection { id, .. } => return Err(ActivationError::UnknownSection(id)),
            // Nitro's parse loop has no arm for these, so it refuses them even where the
            // validator accepts them; `datacount` is the one a real program may carry.
            Payload::DataCountSection { .. } => return Err(ActivationError::UnsupportedSection("DataCountSection")),
            Payload::TagSection(_) => return Err(ActivationError::UnsupportedSection("TagSection")),
            _ => return Err(ActivationError::UnsupportedSection("component section")),
        }
        Ok(())
    }

    /// The type of the function with index `func_index` (imports come first in the index space).
    pub fn function_type(&self, func_index: u32) -> Option<&FuncType> {
        let index = func_index as usize;
        let type_index = match index.checked_sub(self.imports.len()) {
            None => self.imports.get(index)?.type_index,
            Some(local) => *self.functions.get(local)?,
        };
        self.types.get(type_index as usize)
    }

    /// The type with index `type_index`.
    pub fn type_at(&self, type_index: u32) -> Option<&FuncType> {
        self.types.get(type_index as usize)
    }

    /// Applies the import and export naming rules of reference §5.5, in Nitro's order.
    pub fn check_symbols(&self) -> Result<(), ActivationError> {
        let mut seen = HashMap::new();
        for import in &self.imports {
            let prior = seen.insert((import.module, import.name), import.type_index);
            if prior.is_some_and(|prior| prior != import.type_index) {
                return Err(ActivationError::InconsistentImports {
                    module: import.module.to_owned(),
                    name: import.name.to_owned(),
                });
            }
        }

        // Nitro compares import names with each export's last `__`-separated component, and
        // applies the reserved prefix to those components too.
        let export_tail = |name: &'a str| name.rsplit("__").next().unwrap_or(name);
        let export_tails: HashSet<&str> = self.exports.iter().map(|export| export_tail(export.name)).collect();
        if let Some(import) = self.imports.iter().find(|import| export_tails.contains(import.name)) {
            return Err(ActivationError::ExportsImportName(import.name.to_owned()));
        }
        if let Some(tail) = self.exports.iter().map(|export| export_tail(export.name)).find(|tail| is_reserved(tail)) {
            return Err(ActivationError::ReservedExport(tail.to_owned()));
        }
        if let Some(import) = self.imports.iter().find(|import| is_reserved(import.name)) {
            return Err(ActivationError::ReservedImport(import.name.to_owned()));
        }
        Ok(())
    }
}

fn is_reserved(name: &str) -> bool {
    name.starts_with("stylus")
}

/// Nitro's validator features (reference §5.3, `binary.rs` `parse_with_version`): everything off
/// but these, multi-value only before ArbOS 60.
fn nitro_features(arbos_version: u64) -> WasmFeatures {
    let mut features = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES;
    features.set(WasmFeatures::MULTI_VALUE, arbos_version < ARBOS_VERSION_NO_MULTI_VALUE);
    features
}

/// A global initialiser must be one constant followed by `end` (reference §5.3); the validator
/// alone would also accept `global.get` of an imported global.
fn check_constant(global: &Global<'_>, index: usize) -> Result<(), ActivationError> {
    let mut reader = global.init_expr.get_operators_reader();
    let first = reader.read().map_err(malformed)?;
    let second = reader.read().map_err(malformed)?;
    let constant = matches!(
        first,
        Operator::I32Const { .. } | Operator::I64Const { .. } | Operator::F32Const { .. } | Operator::F64Const { .. }
    );
    if constant && matches!(second, Operator::End) && reader.eof() {
        Ok(())
    } else {
        Err(ActivationError::NonConstantGlobal(u32::try_from(index).unwrap_or(u32::MAX)))
    }
}

/// A function type the way error messages show it, e.g. `(i32, i64) -> (i32)`.
pub(crate) fn signature(ty: &FuncType) -> String {
    let list = |types: &[ValType]| types.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    format!("({}) -> ({})", list(ty.params()), list(ty.results()))
}

fn malformed(err: BinaryReaderError) -> ActivationError {
    ActivationError::Malformed(err.to_string())
}
