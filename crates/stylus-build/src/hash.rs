//! The `project_hash` a program's wasm carries; the crate docs say what it covers and why.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use alloy_primitives::Keccak256;

use crate::{BuildError, BuildSpec};

/// The workspace files every program's hash covers, when they exist.
const WORKSPACE_FILES: [&str; 3] = ["Cargo.toml", "Cargo.lock", "rust-toolchain.toml"];

/// The project hash of a program built by `spec`, whose package manifest is `manifest_path` and
/// whose dep-info file is `dep_info_path`.
pub(crate) fn project_hash(
    spec: &BuildSpec,
    manifest_path: &Path,
    dep_info_path: &Path,
) -> Result<[u8; 32], BuildError> {
    let mut keccak = Keccak256::new();
    keccak.update(cargo_version(&spec.cargo)?.as_bytes());
    let mut features = spec.features.clone();
    features.sort();
    let settings = [spec.profile.clone(), features.join(","), spec.stack_size.to_string()];
    for setting in &settings {
        keccak.update((setting.len() as u64).to_be_bytes());
        keccak.update(setting.as_bytes());
    }

    let dep_info = fs::read_to_string(dep_info_path).map_err(BuildError::io(dep_info_path))?;
    let workspace_files =
        WORKSPACE_FILES.iter().map(|name| spec.workspace_root.join(name)).filter(|path| path.is_file());
    let files: BTreeSet<String> = dep_info_sources(&dep_info)
        .into_iter()
        .chain([manifest_path.to_path_buf()])
        .chain(workspace_files)
        .filter_map(|path| workspace_relative(&spec.workspace_root, &path))
        .collect();
    for relative in &files {
        let contents = fs::read(spec.workspace_root.join(relative)).map_err(BuildError::io(relative.as_str()))?;
        keccak.update((relative.len() as u64).to_be_bytes());
        keccak.update(relative.as_bytes());
        keccak.update((contents.len() as u64).to_be_bytes());
        keccak.update(&contents);
    }
    Ok(keccak.finalize().0)
}

/// `cargo --version`, trimmed.
fn cargo_version(cargo: &Path) -> Result<String, BuildError> {
    let output = Command::new(cargo)
        .arg("--version")
        .output()
        .map_err(|source| BuildError::CargoNotFound { program: cargo.to_path_buf(), source })?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The prerequisites listed in a Makefile-style dep-info file, as cargo writes it: `target: dep
/// dep …` per line, with spaces inside paths escaped as `\ `.
fn dep_info_sources(dep_info: &str) -> Vec<PathBuf> {
    let mut sources = Vec::new();
    for line in dep_info.lines() {
        let Some((_target, deps)) = line.split_once(": ") else { continue };
        let mut path = String::new();
        let mut chars = deps.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => path.extend(chars.next()),
                ' ' if !path.is_empty() => sources.push(PathBuf::from(std::mem::take(&mut path))),
                ' ' => {}
                c => path.push(c),
            }
        }
        if !path.is_empty() {
            sources.push(PathBuf::from(path));
        }
    }
    sources
}

/// `path` relative to `root` with `/` separators, if it lies inside `root`. Relative paths are
/// taken as relative to `root` already.
fn workspace_relative(root: &Path, path: &Path) -> Option<String> {
    let relative = if path.is_absolute() { path.strip_prefix(root).ok()? } else { path };
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|component| match component {
            Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .collect();
    parts.filter(|parts| !parts.is_empty()).map(|parts| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep_info_lists_every_prerequisite_with_escaped_spaces() {
        let dep_info = "/t/prog.wasm: /ws/prog/src/lib.rs /ws/my\\ dir/src/lib.rs\n\n/t/x.rlib: /ws/x.rs\n";
        assert_eq!(
            dep_info_sources(dep_info),
            [PathBuf::from("/ws/prog/src/lib.rs"), PathBuf::from("/ws/my dir/src/lib.rs"), PathBuf::from("/ws/x.rs")]
        );
    }

    #[test]
    fn only_paths_inside_the_workspace_are_hashed() {
        let root = Path::new("/ws");
        assert_eq!(
            workspace_relative(root, Path::new("/ws/crates/p/src/lib.rs")).as_deref(),
            Some("crates/p/src/lib.rs")
        );
        assert_eq!(workspace_relative(root, Path::new("crates/p/src/lib.rs")).as_deref(), Some("crates/p/src/lib.rs"));
        assert_eq!(workspace_relative(root, Path::new("/home/u/.cargo/registry/src/a.rs")), None);
        assert_eq!(workspace_relative(root, Path::new("../outside.rs")), None);
    }
}
