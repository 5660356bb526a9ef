//! `--format github`: GitHub Actions workflow commands, one annotation a finding
//! (`::error file=F,line=L,col=C,title=CODE name::message`), which the runner shows on the
//! changed files of a pull request and in the job's summary, then one plain summary line.
//! Values are escaped as the runner reads them back (`%`, line breaks, and in properties `:`
//! and `,`). Paths are relative to the directory xacct ran in: the repository's root when
//! run from it.

use std::io::{self, Write};

use super::ci::{github_level, report_path, Item};

/// A message, escaped.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value, escaped.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation line for `item`.
pub fn annotation(item: &Item) -> String {
    let d = &item.diagnostic;
    let mut props = vec![format!(
        "file={}",
        property(report_path(&d.primary.file).as_str())
    )];
    if let Some(line) = d.primary.line {
        props.push(format!("line={line}"));
        if let Some(col) = d.primary.column {
            props.push(format!("col={col}"));
        }
    }
    props.push(format!(
        "title={}",
        property(&format!("{} {}", d.code, d.name))
    ));
    let mut message = d.message.clone();
    let pointer = d.primary.pointer_text();
    if pointer != "/" {
        message.push_str(&format!(" (at {pointer})"));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    format!(
        "::{} {}::{}",
        github_level(d.severity),
        props.join(","),
        data(&message)
    )
}

/// Writes an annotation for each item, then `summary` as a plain line.
pub fn write_annotations(out: &mut dyn Write, items: &[Item], summary: &str) -> io::Result<()> {
    for i in items {
        writeln!(out, "{}", annotation(i))?;
    }
    writeln!(out, "{summary}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Location};
    use crate::json::Pointer;

    #[test]
    fn annotations_escape_what_the_runner_reads_back() {
        let mut d = Diagnostic::new(
            &crate::diagnostic::codes::UNRENDERED_TEMPLATE_PLACEHOLDER,
            Location {
                line: Some(3),
                column: Some(7),
                ..Location::new("dir,a:b/p.json".into(), Pointer::root().key("Resource"))
            },
            "100% `{bucket}`",
        );
        d.help = Some("two\nlines".into());
        let line = annotation(&crate::report::ci::Item::of_diagnostic(&d));
        assert_eq!(
            line,
            "::error file=dir%2Ca%3Ab/p.json,line=3,col=7,title=XA0107 unrendered-template-placeholder::100%25 `{bucket}` (at /Resource)%0Ahelp: two%0Alines"
        );
    }
}
