//! Writing the instrumented module: the program's own sections as they were, with the added
//! globals, the new export list and the instrumented code. No start section (a debug chain's start
//! function is only exported) and no custom sections.

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, ExportSection, Function, GlobalSection, GlobalType, RawSection, SectionId, ValType,
};
use wasmparser::Operator;

use super::exports::ExportEntry;
use super::module::{KeptSection, Module};
use super::ActivationError;

/// Encodes the instrumented module; `bodies` holds each local function's instrumented operators.
///
/// # Errors
///
/// [`ActivationError::Encode`] if an operator cannot be re-encoded (never for a validated module).
pub(super) fn encode_instrumented(
    wasm: &[u8],
    module: &Module<'_>,
    exports: &[ExportEntry<'_>],
    bodies: &[Vec<Operator<'_>>],
) -> Result<Vec<u8>, ActivationError> {
    let mut out = wasm_encoder::Module::new();
    let mut reencoder = RoundtripReencoder;
    let copy = |out: &mut wasm_encoder::Module, kind: KeptSection, id: SectionId| {
        for (_, range) in module.kept.iter().filter(|(kept, _)| *kept == kind) {
            out.section(&RawSection { id: id as u8, data: wasm.get(range.clone()).unwrap_or_default() });
        }
    };

    copy(&mut out, KeptSection::Type, SectionId::Type);
    copy(&mut out, KeptSection::Import, SectionId::Import);
    copy(&mut out, KeptSection::Function, SectionId::Function);
    copy(&mut out, KeptSection::Table, SectionId::Table);
    copy(&mut out, KeptSection::Memory, SectionId::Memory);

    let mut globals = GlobalSection::new();
    for global in &module.globals {
        reencoder.parse_global(&mut globals, global.clone()).map_err(encode_error)?;
    }
    let added = |val_type| GlobalType { val_type, mutable: true, shared: false };
    globals.global(added(ValType::I64), &ConstExpr::i64_const(0)); // ink left
    globals.global(added(ValType::I32), &ConstExpr::i32_const(0)); // ink status
    globals.global(added(ValType::I32), &ConstExpr::i32_const(0)); // scratch
    globals.global(added(ValType::I32), &ConstExpr::i32_const(0)); // stack left
    out.section(&globals);

    let mut export_section = ExportSection::new();
    for export in exports {
        export_section.export(export.name, reencoder.export_kind(export.kind), export.index);
    }
    out.section(&export_section);

    copy(&mut out, KeptSection::Element, SectionId::Element);

    if !bodies.is_empty() {
        let mut code = CodeSection::new();
        for (source, body) in module.codes.iter().zip(bodies) {
            let locals: Vec<ValType> = source
                .locals
                .iter()
                .map(|&ty| reencoder.val_type(ty))
                .collect::<Result<_, _>>()
                .map_err(encode_error)?;
            let mut function = Function::new_with_locals_types(locals);
            for op in body {
                function.instruction(&reencoder.instruction(op.clone()).map_err(encode_error)?);
            }
            code.function(&function);
        }
        out.section(&code);
    }

    copy(&mut out, KeptSection::Data, SectionId::Data);
    Ok(out.finish())
}

fn encode_error(err: wasm_encoder::reencode::Error) -> ActivationError {
    ActivationError::Encode(err.to_string())
}
