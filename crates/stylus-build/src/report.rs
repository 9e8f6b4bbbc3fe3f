//! The markdown table of program sizes `stylus-build --sizes-md` writes.

use std::fmt::Write;

use stylus_wasm::deploy::SizeLimits;

use crate::ProgramArtifacts;

/// A markdown table with one row per program: raw, processed and compressed sizes, the code's
/// margin under `max_code_size`, the wasm's margin under `max_wasm_size`, and the pages the
/// program opens at entry.
pub fn sizes_markdown(programs: &[ProgramArtifacts], limits: &SizeLimits) -> String {
    let mut table = format!(
        "| program | raw wasm | processed wasm | compressed | code | code margin (of {}) | wasm margin (of {}) \
         | pages at entry |\n|---|--:|--:|--:|--:|--:|--:|--:|\n",
        limits.max_code_size, limits.max_wasm_size
    );
    for program in programs {
        let sizes = &program.sizes;
        // Writing to a String cannot fail.
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            program.package,
            program.raw_wasm.len(),
            sizes.wasm_len,
            sizes.compressed_len,
            sizes.code_len,
            limits.max_code_size.saturating_sub(sizes.code_len),
            limits.max_wasm_size.saturating_sub(sizes.wasm_len),
            program.info.footprint,
        );
    }
    table
}
