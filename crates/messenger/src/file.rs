//! JSON files written atomically: the new contents go to a temporary file beside the target, are
//! flushed to disk, and replace the target by a rename, so a process killed at any point leaves
//! either the old file or the new one, never a mix.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use serde::{de::DeserializeOwned, Serialize};

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file system refused.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// The contents are not JSON at all.
    #[error("{path} is not JSON: {source}")]
    NotJson {
        /// The file.
        path: PathBuf,
        /// Where parsing failed.
        #[source]
        source: serde_json::Error,
    },
    /// The contents are JSON, but not the JSON expected (a field missing or of the wrong type).
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// Where and why reading it failed.
        #[source]
        source: serde_json::Error,
    },
}

/// Reads `path` as JSON.
///
/// # Errors
/// [`FileError::Io`] when it cannot be read, [`FileError::NotJson`] when it is not JSON,
/// [`FileError::Json`] when it is JSON of another shape than `T`.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, FileError> {
    let text = fs::read(path).map_err(|source| FileError::Io { path: path.into(), source })?;
    serde_json::from_slice(&text).map_err(|source| {
        let path = path.into();
        if source.is_syntax() || source.is_eof() {
            FileError::NotJson { path, source }
        } else {
            FileError::Json { path, source }
        }
    })
}

/// Writes `value` as pretty JSON to `path`, atomically.
///
/// # Errors
/// [`FileError::Io`] when the temporary file cannot be written or renamed.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), FileError> {
    let io = |source| FileError::Io { path: path.into(), source };
    let mut text = serde_json::to_vec_pretty(value).map_err(|source| FileError::Json { path: path.into(), source })?;
    text.push(b'\n');
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let temporary = path.with_file_name(name);
    let mut file = fs::File::create(&temporary).map_err(io)?;
    file.write_all(&text).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    fs::rename(&temporary, path).map_err(io)?;
    // The rename is durable once the directory is: sync it where the platform allows.
    if let Some(directory) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        if let Ok(directory) = fs::File::open(directory) {
            let _ = directory.sync_all();
        }
    }
    Ok(())
}
