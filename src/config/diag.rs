//! Problems found in configuration files, each with its place (`file:line: message`).
//!
//! Loading never stops at the first problem: every file is parsed, every check runs, and
//! `thidua check` prints the whole list at once, like a compiler. A file that does not parse
//! contributes its parse error and is then skipped by the checks that need it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// One configuration problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        }
    }
}

/// A configuration file's text, kept so that spans can be turned into line numbers.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The path as shown to the user (relative to the project root when possible).
    pub shown: PathBuf,
    pub text: String,
}

impl SourceText {
    pub fn line_of(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
    }
}

/// The collected problems of one load.
#[derive(Debug, Default)]
pub struct Diagnostics {
    problems: Vec<Problem>,
}

impl Diagnostics {
    pub fn at(&mut self, src: &SourceText, span: &Range<usize>, message: impl Into<String>) {
        let line = src.line_of(span);
        self.push(&src.shown, line, message);
    }

    /// A problem at the first line from the start of `span` on where `text` appears: a
    /// table's span is its header, and the value that has the problem is below it.
    pub fn at_first(&mut self, src: &SourceText, span: &Range<usize>, text: &str, message: impl Into<String>) {
        let start = span.start.min(src.text.len());
        let found = src.text[start..].find(text).map_or(start, |i| start + i);
        self.at(src, &(found..found), message);
    }

    pub fn file(&mut self, file: &Path, message: impl Into<String>) {
        self.push(file, 0, message);
    }

    fn push(&mut self, file: &Path, line: usize, message: impl Into<String>) {
        self.problems.push(Problem { file: file.to_path_buf(), line, message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Reads and parses a TOML file into its spec type, recording a problem on failure.
    pub fn parse<T: DeserializeOwned>(&mut self, root: &Path, path: &Path) -> Option<(SourceText, T)> {
        let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                self.file(&shown, format!("không đọc được tệp: {e}"));
                return None;
            }
        };
        let src = SourceText { shown, text };
        match toml::from_str::<T>(&src.text) {
            Ok(spec) => Some((src, spec)),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                // toml's message repeats the snippet; its first line is the useful part.
                let msg = e.message().lines().next().unwrap_or("").to_string();
                self.at(&src, &span, msg);
                None
            }
        }
    }
}

/// Joins every problem into one error, one per line, for commands other than `check`.
pub fn into_result(diag: Diagnostics) -> anyhow::Result<()> {
    if diag.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = diag.problems.iter().map(ToString::to_string).collect();
    anyhow::bail!("{} vấn đề trong cấu hình:\n{}", lines.len(), lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Spec {
        name: String,
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.toml");
        std::fs::write(&path, "name = \"a\"\n\nnmae = \"b\"\n").unwrap();
        let mut diag = Diagnostics::default();
        assert!(diag.parse::<Spec>(dir.path(), &path).is_none());
        let shown = diag.problems()[0].to_string();
        assert!(shown.starts_with("x.toml:3: unknown field `nmae`"), "{shown}");
    }
}
