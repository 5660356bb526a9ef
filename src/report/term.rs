//! The terminal the text reports are written for: how wide their tables may be and whether
//! they are coloured. The command line decides it once ([`set`]); the table renderers read
//! it ([`get`]). Without [`set`] (the library, unit tests) tables are as wide as their
//! content and plain.
//!
//! Width: `COLUMNS` when set, else the terminal's own width when the report goes to a
//! terminal, else none (a file or a pipe gets whole rows, one per line, so that `grep`
//! and the golden files see the same text). Colour: `--color always|never`, or with `auto`
//! only on a terminal, and never when `NO_COLOR` is set or `TERM` is `dumb`.

use std::sync::RwLock;

/// The narrowest width tables are fitted to: below it they wrap a word a line.
pub const MIN_WIDTH: usize = 40;

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    #[default]
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

/// How text reports are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Terminal {
    /// The widest a table may be, in columns; `None` for no limit.
    pub width: Option<usize>,
    /// Whether verdicts and levels are coloured (ANSI escapes).
    pub color: bool,
}

static TERMINAL: RwLock<Terminal> = RwLock::new(Terminal {
    width: None,
    color: false,
});

/// Sets how every later text report is laid out.
pub fn set(t: Terminal) {
    if let Ok(mut g) = TERMINAL.write() {
        *g = t;
    }
}

/// How text reports are laid out now.
pub fn get() -> Terminal {
    TERMINAL.read().map(|g| *g).unwrap_or_default()
}

/// The layout for a report written to standard output (`to_stdout`, else to a file), from
/// the environment: `COLUMNS`, the terminal's width, `NO_COLOR`, `TERM`.
pub fn detect(choice: ColorChoice, to_stdout: bool) -> Terminal {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let on_terminal = to_stdout && console::Term::stdout().is_term();
    let width = match var("COLUMNS").and_then(|c| c.trim().parse::<usize>().ok()) {
        Some(c) if c > 0 => Some(c.max(MIN_WIDTH)),
        _ if on_terminal => console::Term::stdout()
            .size_checked()
            .map(|(_, cols)| usize::from(cols).max(MIN_WIDTH)),
        _ => None,
    };
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            on_terminal && var("NO_COLOR").is_none() && var("TERM").as_deref() != Some("dumb")
        }
    };
    Terminal { width, color }
}

/// A meaning a cell's colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Allowed, passed.
    Good,
    /// Denied, an error.
    Bad,
    /// Not verified, a warning.
    Doubt,
    /// Information.
    Info,
}

impl Tone {
    /// The ANSI style of the tone.
    pub fn style(self) -> anstyle::Style {
        use anstyle::AnsiColor::{Cyan, Green, Red, Yellow};
        let color = match self {
            Tone::Good => Green,
            Tone::Bad => Red,
            Tone::Doubt => Yellow,
            Tone::Info => Cyan,
        };
        anstyle::Style::new().fg_color(Some(color.into())).bold()
    }

    /// The tone of a verdict or level word as the reports write it (`allowed`, `DENIED`,
    /// `not verified`, `error`, `warning`...), if it has one.
    pub fn of(word: &str) -> Option<Tone> {
        let w = word.trim().to_ascii_lowercase();
        if w.contains("undecided") || w.contains(" if ") {
            return Some(Tone::Doubt);
        }
        let first = w.split([' ', '(', ':']).next().unwrap_or("");
        match first {
            "allowed" | "allow" | "possible" | "ok" | "pass" | "passed" => Some(Tone::Good),
            "denied" | "deny" | "error" | "fail" | "failed" | "unreadable" => Some(Tone::Bad),
            "not" | "warning" => Some(Tone::Doubt),
            "info" | "note" => Some(Tone::Info),
            _ if w.starts_with("allow") => Some(Tone::Good),
            _ => None,
        }
    }
}

/// `text` in the tone's colour when colour is on, else as it is.
pub fn paint(text: &str, tone: Option<Tone>) -> String {
    match tone {
        Some(t) if get().color => {
            let s = t.style();
            format!("{s}{text}{s:#}")
        }
        _ => text.to_owned(),
    }
}

/// How many columns `text` takes on a terminal (ANSI escapes take none).
pub fn display_width(text: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, c) if c.is_ascii_alphabetic() => in_escape = false,
            (true, _) => {}
            (false, c) => n += usize::from(!c.is_control()),
        }
    }
    n
}

/// `line` folded at spaces into lines of at most `width` columns (a longer word stays
/// whole on its own line); continuation lines start with `indent` more spaces than the
/// line's own indentation. Whole when no width is set.
pub fn fold(line: &str, width: Option<usize>, indent: usize) -> String {
    let Some(width) = width else {
        return line.to_owned();
    };
    if display_width(line) <= width {
        return line.to_owned();
    }
    let lead = line.len() - line.trim_start().len();
    fill(
        &line[..lead],
        line.trim_start().split(' '),
        width,
        lead + indent,
    )
}

/// `words` laid out after `head` (spaces), a word to a line's end; a word that would pass
/// `width` starts a new line indented by `pad` spaces.
fn fill<'w>(head: &str, words: impl Iterator<Item = &'w str>, width: usize, pad: usize) -> String {
    let indent = " ".repeat(pad);
    let mut out = head.to_owned();
    let mut col = head.len();
    let mut first = true;
    for word in words {
        let w = display_width(word);
        if !first && col + 1 + w > width {
            out.push('\n');
            out.push_str(&indent);
            col = pad;
        } else if !first {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
        first = false;
    }
    out
}

/// `line` in lines of at most `width` columns, as [`fold`] folds it, except that a word
/// wider than a line can hold is cut into pieces (a path, an ARN): nothing is wider than
/// `width`. Whole when no width is set.
pub fn fit(line: &str, width: Option<usize>, indent: usize) -> String {
    let Some(width) = width else {
        return line.to_owned();
    };
    if display_width(line) <= width {
        return line.to_owned();
    }
    let lead = line.len() - line.trim_start().len();
    // The hanging indent leaves at least half the width to the text.
    let pad_len = (lead + indent).min(width / 2);
    let room = width - pad_len;
    let mut words: Vec<String> = Vec::new();
    for word in line.trim_start().split(' ') {
        if display_width(word) <= room {
            words.push(word.to_owned());
        } else {
            let chars: Vec<char> = word.chars().collect();
            words.extend(chars.chunks(room.max(1)).map(|c| c.iter().collect()));
        }
    }
    fill(
        &line[..lead],
        words.iter().map(String::as_str),
        width,
        pad_len,
    )
}

/// A shell command folded at spaces into lines of at most `width` columns, each but the
/// last ending with ` \` so that it still pastes as one command. Whole when no width is
/// set.
pub fn fit_command(line: &str, width: Option<usize>, indent: usize) -> String {
    let Some(width) = width else {
        return line.to_owned();
    };
    if display_width(line) <= width {
        return line.to_owned();
    }
    let folded = fold(
        line,
        Some(width.saturating_sub(2).max(MIN_WIDTH / 2)),
        indent,
    );
    let lines: Vec<&str> = folded.lines().collect();
    let last = lines.len().saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i < last {
                format!("{l} \\")
            } else {
                (*l).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` wrapped into lines of at most `width` columns: each of its lines folded at
/// spaces, a word longer than `width` cut into pieces of `width`.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(1);
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut cur = String::new();
        let mut col = 0;
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            let w = display_width(word);
            if col > 0 && col + 1 + w <= width {
                cur.push(' ');
                cur.push_str(word);
                col += 1 + w;
                continue;
            }
            if col > 0 {
                out.push(std::mem::take(&mut cur));
                col = 0;
            }
            if w <= width {
                cur.push_str(word);
                col = w;
                continue;
            }
            // A word wider than the column: pieces of `width` characters.
            let chars: Vec<char> = word.chars().collect();
            for piece in chars.chunks(width) {
                if col > 0 {
                    out.push(std::mem::take(&mut cur));
                }
                cur = piece.iter().collect();
                col = piece.len();
            }
        }
        out.push(cur);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_spaces_with_a_hanging_indent() {
        let f = fold("  aaa bbb ccc ddd", Some(10), 2);
        assert_eq!(f, "  aaa bbb\n    ccc\n    ddd");
        assert!(f.lines().all(|l| display_width(l) <= 10));
        assert_eq!(fold("aaa bbb", None, 2), "aaa bbb");
        assert_eq!(
            fold("averyveryverylongword x", Some(8), 0),
            "averyveryverylongword\nx"
        );
    }

    #[test]
    fn fits_cutting_only_words_wider_than_a_line() {
        let f = fit(
            "  - see fixtures/a/very/long/path/to/a/file.json now",
            Some(20),
            2,
        );
        assert!(f.lines().all(|l| display_width(l) <= 20), "{f}");
        assert!(f.starts_with("  - see\n"), "{f}");
        assert_eq!(fit("short", Some(20), 2), "short");
        let c = fit_command(
            "aws s3api put-bucket-policy --bucket b --policy file://p.json",
            Some(30),
            4,
        );
        assert!(c.lines().all(|l| display_width(l) <= 30), "{c}");
        assert!(c.lines().next().unwrap().ends_with(" \\"), "{c}");
        assert!(!c.ends_with('\\'), "{c}");
    }

    #[test]
    fn wraps_lines_and_cuts_long_words() {
        assert_eq!(wrap("aa bb cc\ndd", 5), "aa bb\ncc\ndd");
        assert_eq!(
            wrap("arn:aws:iam::1:root x", 8),
            "arn:aws:\niam::1:r\noot x"
        );
        assert!(wrap("a b c d e f g", 3).lines().all(|l| l.len() <= 3));
    }

    #[test]
    fn escapes_take_no_columns() {
        assert_eq!(display_width("\u{1b}[1;31mDENIED\u{1b}[0m"), 6);
        assert_eq!(display_width("│ é │"), 5);
    }

    #[test]
    fn tones_of_the_reports_words() {
        assert_eq!(Tone::of("DENIED"), Some(Tone::Bad));
        assert_eq!(Tone::of("denied (advisory)"), Some(Tone::Bad));
        assert_eq!(Tone::of("not verified"), Some(Tone::Doubt));
        assert_eq!(
            Tone::of("allowed if its own policies allow"),
            Some(Tone::Doubt)
        );
        assert_eq!(Tone::of("Allow (undecided)"), Some(Tone::Doubt));
        assert_eq!(Tone::of("Allow"), Some(Tone::Good));
        assert_eq!(Tone::of("warning"), Some(Tone::Doubt));
        assert_eq!(Tone::of("cross-account"), None);
    }
}
