//! Go's `fmt` printing of template values, byte for byte as Go 1.25 prints them:
//! `Sprintf` with every verb, flag, width, precision and error report, `Sprint` and
//! `Sprintln`, what an action `{{ . }}` prints, and the escaping of the `html`, `js`
//! and `urlquery` builtins.
//!
//! - `printer.rs` parses format strings and walks values (Go's `print.go`);
//! - `formatter.rs` pads and formats single values (Go's `format.go`);
//! - `float.rs` is `strconv.FormatFloat`;
//! - `quote.rs` is `strconv.Quote` and friends;
//! - `unicode_print.rs` is `unicode.IsPrint`;
//! - `escape.rs` holds the three template escapers.
//!
//! Output that Go would write as raw bytes which are not UTF-8 (a `[]byte` printed
//! with `%s`) comes back with those bytes replaced by U+FFFD, since the result is a
//! Rust `String`.

mod escape;
mod float;
mod formatter;
mod printer;
mod quote;
mod unicode_print;

#[cfg(test)]
mod tests;

use crate::value::Value;

pub use escape::{html_escape, js_escape, url_query_escape};
pub use float::format_float;
pub use quote::{can_backquote, quote, quote_rune, quote_to_ascii};
pub use unicode_print::is_print;

use formatter::Printer;
use printer::Operand;

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.into_string()
}

/// Go's `fmt.Sprint`: operands printed with `%v`, with a space between two operands
/// when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let ops: Vec<Operand<'_>> = args.iter().map(Operand::Plain).collect();
    let mut p = Printer::default();
    p.do_print(&ops);
    p.into_string()
}

/// Go's `fmt.Sprintln`: operands printed with `%v`, separated by spaces, with a
/// newline at the end.
pub fn sprintln(args: &[Value]) -> String {
    let ops: Vec<Operand<'_>> = args.iter().map(Operand::Plain).collect();
    let mut p = Printer::default();
    p.do_println(&ops);
    p.into_string()
}

/// `text/template`'s `printableValue`: a missing (nil) value is the text
/// `<no value>`, and a non-nil pointer to a struct without a String method prints
/// as the struct it points to (no `&`).
fn operand(v: &Value) -> Operand<'_> {
    match v {
        Value::Nil => Operand::NoValue,
        Value::Object(o) if o.is_pointer() && o.truth() && o.stringer().is_none() => {
            Operand::Pointee(o)
        }
        _ => Operand::Plain(v),
    }
}

/// What an action such as `{{ . }}` writes for a value: `text/template`'s
/// `printValue`, i.e. `fmt.Fprint` of the printable form of the value. A nil value
/// prints `<no value>`; a pointer to a struct prints the struct as `{...}`.
pub fn format_value(v: &Value) -> String {
    let mut p = Printer::default();
    p.do_print(&[operand(v)]);
    p.into_string()
}

/// `text/template`'s `evalArgs`, the text the `html`, `js` and `urlquery` builtins
/// escape: a lone string as it is, otherwise `fmt.Sprint` of the printable forms of
/// the arguments (nil is `<no value>`, pointers to structs print as the struct).
pub fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let ops: Vec<Operand<'_>> = args.iter().map(operand).collect();
    let mut p = Printer::default();
    p.do_print(&ops);
    p.into_string()
}
