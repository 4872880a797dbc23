//! Owns writing sops' tree as YAML byte for byte as sops does through go-yaml v3
//! (4-space indentation, sequences indented under their key, comments before the
//! entry they precede or after the last entry), including go-yaml's choice of
//! scalar style (plain, single-quoted, double-quoted, literal) and its escapes.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::error::{Error, Result};
use crate::gofmt::float_g;
use crate::stores::yaml_read::resolve_plain;
use crate::tree::{Entry, Value};

const INDENT: usize = 4;

/// The indentation of a block nested under a mapping entry at `indent`: go-yaml
/// aligns it to the next multiple of the indentation step.
fn child(indent: usize) -> usize {
    (indent + INDENT) / INDENT * INDENT
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// What go-yaml's `yaml_emitter_analyze_scalar` learns about a string.
struct Analysis {
    multiline: bool,
    block_plain: bool,
    single: bool,
    block: bool,
    empty: bool,
}

fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
        && !matches!(c, '\u{fffe}' | '\u{ffff}')
        || c == '\u{85}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain: true,
            single: true,
            block: false,
            empty: true,
        };
    }
    let mut block_ind = s.starts_with("---") || s.starts_with("...");
    let (mut line_breaks, mut special, mut tabs) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut preceded_by_ws = true;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = chars
            .get(i + 1)
            .is_none_or(|n| matches!(n, ' ' | '\t') || is_break(*n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_ind = true,
                '?' | ':' | '-' if followed_by_ws => block_ind = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_ind = true,
                '#' if preceded_by_ws => block_ind = true,
                _ => {}
            }
        }
        if c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        let last = i + 1 == chars.len();
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= prev_break;
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= prev_space;
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t') || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain: true,
        single: true,
        block: true,
        empty: false,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.block_plain = false;
        a.single = false;
    }
    if space_break || tabs || special {
        a.block_plain = false;
        a.single = false;
    }
    if space_break || special {
        a.block = false;
    }
    if line_breaks || block_ind {
        a.block_plain = false;
    }
    a
}

/// go-yaml's `yaml_emitter_select_scalar_style` in block context.
fn select(style: Style, a: &Analysis, key: bool) -> Style {
    let mut style = style;
    if key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!a.block_plain || (a.empty && key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block || key) {
        style = Style::Double;
    }
    style
}

fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) || !b.contains(&b':') {
        return false;
    }
    let mut i = b
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b'_')
        .count();
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let ok = match n {
            1 => true,
            2 => b[i + 1] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        i += 1 + n;
        groups += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1 + b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b'_')
            .count();
    }
    groups > 0 && i == b.len()
}

/// The style sops' round trip through go-yaml (encode the value, parse it
/// back, emit the node) gives a string.
fn string_style(s: &str, key: bool) -> Style {
    let plain_ok = matches!(resolve_plain(s.to_string()), Ok(Value::Str(_)))
        && !is_base60_float(s)
        && !is_old_bool(s);
    let encoded = if s.contains('\n') {
        Style::Literal
    } else if plain_ok {
        Style::Plain
    } else {
        Style::Double
    };
    let a = analyze(s);
    select(select(encoded, &a, false), &a, key)
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if is_printable(c) && !is_break(c) && c != '"' && c != '\\' && c != '\u{feff}' {
            out.push(c);
            continue;
        }
        out.push('\\');
        match c {
            '\0' => out.push('0'),
            '\x07' => out.push('a'),
            '\x08' => out.push('b'),
            '\t' => out.push('t'),
            '\n' => out.push('n'),
            '\x0b' => out.push('v'),
            '\x0c' => out.push('f'),
            '\r' => out.push('r'),
            '\x1b' => out.push('e'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '\u{85}' => out.push('N'),
            '\u{a0}' => out.push('_'),
            '\u{2028}' => out.push('L'),
            '\u{2029}' => out.push('P'),
            c if (c as u32) <= 0xff => out.push_str(&format!("x{:02X}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("u{:04X}", c as u32)),
            c => out.push_str(&format!("U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A literal block scalar: header (`|`, indentation and chomping hints) and the
/// content lines at `indent`.
fn literal(s: &str, indent: usize) -> String {
    let mut out = String::from("|");
    if s.starts_with(' ') || s.starts_with(is_break) {
        out.push_str(&INDENT.to_string());
    }
    let trailing = s.chars().rev().take_while(|c| is_break(*c)).count();
    match (trailing, s.chars().count()) {
        (0, _) => out.push('-'),
        (1, 1) => out.push('+'),
        (1, _) => {}
        _ => out.push('+'),
    }
    out.push('\n');
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A scalar written on one line (or a literal block for multi-line strings).
fn scalar(v: &Value, key: bool, indent: usize) -> Result<String> {
    Ok(match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => match float_g(*f, false).as_str() {
            "+Inf" => ".inf".into(),
            "-Inf" => "-.inf".into(),
            "NaN" => ".nan".into(),
            s => s.to_string(),
        },
        Value::Time(t) => t.rfc3339_nano(),
        Value::Str(s) => string(s, key, indent),
        Value::Bytes(b) => match std::str::from_utf8(b) {
            Ok(s) => string(s, key, indent),
            Err(_) => format!("!!binary {}", B64.encode(b)),
        },
        Value::Comment(_) | Value::Map(_) | Value::Seq(_) => {
            return Err(Error::Emit(
                "a collection cannot be written as a scalar".into(),
            ))
        }
    })
}

fn string(s: &str, key: bool, indent: usize) -> String {
    match string_style(s, key) {
        Style::Plain if s == "<<" => "!!merge <<".into(),
        Style::Plain => s.into(),
        Style::Single => format!("'{}'", s.replace('\'', "''")),
        Style::Double => double_quoted(s),
        Style::Literal => literal(s, indent),
    }
}

fn is_simple_key(k: &Value) -> bool {
    match k {
        Value::Str(s) => s.chars().count() <= 128 && !s.contains(is_break),
        _ => true,
    }
}

struct Writer {
    out: String,
}

impl Writer {
    fn comment(&mut self, indent: usize, text: &str) {
        self.out.push_str(&" ".repeat(indent));
        self.out.push('#');
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A value after `key:` or `- `: inline scalar, or a nested block.
    fn value_after(&mut self, v: &Value, block_indent: usize, in_seq: bool) -> Result<()> {
        match v {
            Value::Map(m) if m.iter().any(|e| !matches!(e.key, Value::Comment(_))) => {
                if in_seq {
                    self.out.push(' ');
                    self.map(m, block_indent, true)
                } else {
                    self.out.push('\n');
                    self.map(m, block_indent, false)
                }
            }
            Value::Seq(s) if s.iter().any(|i| !matches!(i, Value::Comment(_))) => {
                if in_seq {
                    self.out.push(' ');
                    self.seq(s, block_indent, true)
                } else {
                    self.out.push('\n');
                    self.seq(s, block_indent, false)
                }
            }
            Value::Map(_) => {
                self.out.push_str(" {}\n");
                Ok(())
            }
            Value::Seq(_) => {
                self.out.push_str(" []\n");
                Ok(())
            }
            other => {
                let text = scalar(other, false, block_indent)?;
                self.out.push(' ');
                self.out.push_str(&text);
                if !text.ends_with('\n') {
                    self.out.push('\n');
                }
                Ok(())
            }
        }
    }

    fn map(&mut self, entries: &[Entry], indent: usize, inline_first: bool) -> Result<()> {
        let mut at_inline = inline_first;
        for e in entries {
            if let Value::Comment(c) = &e.key {
                if std::mem::take(&mut at_inline) {
                    self.out.push('\n');
                }
                self.comment(indent, c);
                continue;
            }
            if !std::mem::take(&mut at_inline) {
                self.out.push_str(&" ".repeat(indent));
            }
            if is_simple_key(&e.key) {
                self.out.push_str(&scalar(&e.key, true, indent)?);
                self.out.push(':');
            } else {
                self.out.push_str("? ");
                let k = scalar(&e.key, false, child(indent))?;
                self.out.push_str(&k);
                if !k.ends_with('\n') {
                    self.out.push('\n');
                }
                self.out.push_str(&" ".repeat(indent));
                self.out.push(':');
            }
            self.value_after(&e.value, child(indent), false)?;
        }
        Ok(())
    }

    fn seq(&mut self, items: &[Value], indent: usize, inline_first: bool) -> Result<()> {
        let mut at_inline = inline_first;
        for item in items {
            if let Value::Comment(c) = item {
                if std::mem::take(&mut at_inline) {
                    self.out.push('\n');
                }
                self.comment(indent, c);
                continue;
            }
            if !std::mem::take(&mut at_inline) {
                self.out.push_str(&" ".repeat(indent));
            }
            self.out.push('-');
            self.value_after(item, indent + 2, true)?;
        }
        Ok(())
    }
}

/// Writes documents as sops' YAML store does (`---` between documents).
pub fn write(branches: &[Vec<Entry>]) -> Result<Vec<u8>> {
    let mut w = Writer { out: String::new() };
    for (i, b) in branches.iter().enumerate() {
        if i > 0 {
            w.out.push_str("---\n");
        }
        if b.iter().all(|e| matches!(e.key, Value::Comment(_))) {
            for e in b {
                if let Value::Comment(c) = &e.key {
                    w.comment(0, c);
                }
            }
            w.out.push_str("{}\n");
            continue;
        }
        w.map(b, 0, false)?;
    }
    Ok(w.out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_styles_match_go_yaml() {
        let cases = [
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            (" lead", "' lead'"),
            ("a: b", "'a: b'"),
            ("#x", "'#x'"),
            ("-", "'-'"),
            ("tab\there", "\"tab\\there\""),
            ("a  b", "a  b"),
            ("", "\"\""),
            ("<<", "!!merge <<"),
            ("1:20", "\"1:20\""),
            ("é\u{1}", "\"é\\x01\""),
        ];
        for (input, want) in cases {
            assert_eq!(string(input, false, 4), want, "{input:?}");
        }
        assert_eq!(string("x\n ", false, 4), "\"x\\n \"");
        assert_eq!(
            string("line1\nline2\n", false, 4),
            "|\n    line1\n    line2\n"
        );
        assert_eq!(
            string("line1\nline2", false, 4),
            "|-\n    line1\n    line2\n"
        );
    }
}
