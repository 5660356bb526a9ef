//! The lint errors (what AWS would reject) of policy files, by path, worked out once and
//! shared by every check of a run (`check`, and the registration checks of `audit`). The
//! workflow only asks for the errors of a policy's file; reading and linting the file is
//! this cache's business. A caller that has already linted a file with every rule and the
//! default severities hands its errors in with [`LintCache::seed`].

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};

/// Lint errors by file path.
#[derive(Debug, Default)]
pub struct LintCache(HashMap<String, Vec<Diagnostic>>);

impl LintCache {
    /// Records the lint errors of `path` (diagnostics of other severities are dropped).
    pub fn seed<'d>(&mut self, path: &str, diagnostics: impl IntoIterator<Item = &'d Diagnostic>) {
        let errors = errors_only(diagnostics.into_iter().cloned());
        self.0.insert(path.to_owned(), errors);
    }

    /// The errors of the file at `path`, read and linted on first use. A file that cannot be
    /// read has none here: the policies it holds were loaded from it, so an unreadable file
    /// is a load problem already, reported where it was loaded.
    pub fn errors_of(&mut self, path: &str) -> &[Diagnostic] {
        if !self.0.contains_key(path) {
            let errors = crate::load::fs::read_decoded(std::path::Path::new(path))
                .map(|text| lint_errors(path, &text))
                .unwrap_or_default();
            self.0.insert(path.to_owned(), errors);
        }
        self.0.get(path).map_or(&[], Vec::as_slice)
    }
}

fn errors_only(diagnostics: impl Iterator<Item = Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// The lint errors of `text`, the content of the file at `path`: every rule, the default
/// severities. When AWS's action data cannot be loaded the file cannot be checked, and that
/// is its one error (fail closed: a check of the file's policies is not verified).
pub fn lint_errors(path: &str, text: &str) -> Vec<Diagnostic> {
    let catalog = match crate::catalog::catalog() {
        Ok(catalog) => catalog,
        Err(e) => {
            return vec![Diagnostic::in_file(
                &crate::diagnostic::codes::INVALID_POLICY_GRAMMAR,
                path,
                None,
                format!("cannot lint the file: AWS action data failed to load: {e}"),
            )]
        }
    };
    let report = super::lint_text(path, text, &super::LintOptions::default(), catalog);
    errors_only(report.diagnostics.into_iter())
}
