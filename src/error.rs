//! The library's one error type, for programs that call several parts of it.
//!
//! In: the error of any front-door call (parameters, reading inputs, an index, an agency
//! registry). Out: [`Error`], which says which and keeps the original (its message names the
//! input, flag or directory concerned). Each part keeps its own error type too, for callers
//! that want to match on the details.

use crate::attribute::RegistryError;
use crate::index::IndexError;
use crate::ingest::IngestError;
use crate::params::ParamError;

/// Anything the front door's calls can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter outside its valid range.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// An input path that cannot be read at all.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// An index that cannot be opened, read or written.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// An agency registry that cannot be used.
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn a_parameter_error_keeps_the_flag_in_its_message() {
        let params = Params {
            threshold: 2.0,
            ..Params::default()
        };
        let error: Error = params.validated().unwrap_err().into();
        assert!(matches!(error, Error::Params(_)));
        assert!(error.to_string().starts_with("--threshold"), "{error}");
    }
}
