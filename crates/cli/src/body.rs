//! `--body` / `--json` values: the text itself, `@path` for a file's exact bytes, or `@-`
//! for standard input (curl's convention).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Reads a body argument. Files are taken byte for byte: a signature covers exact bytes, so
/// nothing is trimmed (not even a final newline an editor may have added).
///
/// # Errors
/// [`CliError::Read`] when the file (or standard input) cannot be read.
pub(crate) fn read_body(arg: &str, what: &'static str) -> Result<Vec<u8>, CliError> {
    match arg.strip_prefix('@') {
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|source| CliError::Read {
                what,
                path: PathBuf::from("<stdin>"),
                source,
            })?;
            Ok(buf)
        }
        Some(path) => read_file(Path::new(path), what),
        None => Ok(arg.as_bytes().to_vec()),
    }
}

/// Reads a whole file, naming it in the error.
///
/// # Errors
/// [`CliError::Read`].
pub(crate) fn read_file(path: &Path, what: &'static str) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read { what, path: path.to_owned(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves literal text is taken as is and @file reads the exact bytes, trailing newline included.
    #[test]
    fn literal_and_file() {
        assert_eq!(read_body("{\"a\":1}", "body").unwrap(), b"{\"a\":1}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, b"{}\n").unwrap();
        assert_eq!(read_body(&format!("@{}", path.display()), "body").unwrap(), b"{}\n");
        let err = read_body("@/nonexistent/wxpay/body.json", "request body").unwrap_err();
        assert!(matches!(err, CliError::Read { what: "request body", .. }), "{err:?}");
    }
}
