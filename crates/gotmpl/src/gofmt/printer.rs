//! The printer proper, as Go's `fmt/print.go` defines it: parsing a format string
//! (flags, width, precision, `*`, `[n]` argument indexes, and the error reports
//! `%!d(string=x)`, `%!(EXTRA ...)`, `%!d(MISSING)`, `%!(NOVERB)`, `%!(BADWIDTH)`,
//! `%!(BADPREC)`, `%!d(BADINDEX)`), choosing how each verb applies to each kind of
//! value, and walking lists, maps and structs.

use std::sync::Arc;

use super::formatter::{Printer, LOWER_DIGITS, UPPER_DIGITS};
use crate::object::Object;
use crate::types::{GoType, UintKind};
use crate::value::Value;

/// The address printed for pointers, maps and slices. Go prints a real heap address
/// here; any fixed value of the same shape keeps the output deterministic.
pub(super) const PLACEHOLDER_ADDRESS: u64 = 0xc000000000;

/// An operand as `text/template` hands it to `fmt` after `printableValue`: a plain
/// value, the `<no value>` text for a missing one, or the struct a pointer points to.
#[derive(Clone, Copy)]
pub(super) enum Operand<'a> {
    Plain(&'a Value),
    NoValue,
    Pointee(&'a Arc<dyn Object>),
}

impl Operand<'_> {
    fn is_string(&self) -> bool {
        matches!(self, Operand::Plain(Value::String(_)) | Operand::NoValue)
    }
}

/// Largest width or precision Go accepts.
fn too_large(x: i64) -> bool {
    const MAX: i64 = 1_000_000;
    !(-MAX..=MAX).contains(&x)
}

/// Reads a decimal number at `s[start..end]`: the number, whether one was there, and
/// where it stopped. A number too large to be a width ends the format.
fn parse_num(s: &[u8], start: usize, end: usize) -> (i64, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut is_num = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + (s[i] - b'0') as i64;
        is_num = true;
        i += 1;
    }
    (num, is_num, i)
}

/// Reads `[n]` at the start of `s`: the zero-based index, how many bytes to skip,
/// and whether it parsed.
fn parse_arg_number(s: &[u8]) -> (i64, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (width, ok, newi) = parse_num(s, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (width - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

/// The integer value of `a[arg_num]` for a `*` width or precision.
fn int_from_arg(a: &[Value], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= a.len() {
        return (0, false, arg_num);
    }
    let (mut num, mut is_int) = match &a[arg_num] {
        Value::Int(i, _) => (*i, true),
        Value::Uint(u, _) if (*u as i64) >= 0 => (*u as i64, true),
        _ => (0, false),
    };
    if too_large(num) {
        num = 0;
        is_int = false;
    }
    (num, is_int, arg_num + 1)
}

/// The Go type name of an object's struct (without the pointer star).
fn struct_type_name(o: &dyn Object) -> String {
    let name = o.type_name();
    match name.strip_prefix('*') {
        Some(rest) => rest.to_string(),
        None => name,
    }
}

/// Whether the list is a `[]uint8`, which string verbs print as bytes.
fn list_bytes(elem: &GoType, items: &[Value]) -> Option<Vec<u8>> {
    if *elem != GoType::Uint(UintKind::Uint8) {
        return None;
    }
    items
        .iter()
        .map(|v| match v {
            Value::Uint(u, _) => Some(*u as u8),
            _ => None,
        })
        .collect()
}

impl Printer {
    pub fn into_string(self) -> String {
        match String::from_utf8(self.buf) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }

    // ----- reports of bad verbs and arguments -----

    /// `%!verb(type=value)`, printed with `%v` and without String methods.
    fn bad_verb(&mut self, v: Option<&Value>, verb: char, top_level: bool) {
        self.erroring = true;
        self.write_str("%!");
        self.write_char(verb);
        self.write_byte(b'(');
        match v {
            None | Some(Value::Nil) => self.write_str("<nil>"),
            Some(v) => {
                let ty = v.go_type().to_string();
                self.write_str(&ty);
                self.write_byte(b'=');
                if top_level {
                    self.print_arg(v, 'v');
                } else {
                    self.print_value(v, 'v', 0);
                }
            }
        }
        self.write_byte(b')');
        self.erroring = false;
    }

    // ----- basic kinds -----

    fn fmt_bool(&mut self, v: &Value, b: bool, verb: char, top: bool) {
        match verb {
            't' | 'v' => self.fmt_boolean(b),
            _ => self.bad_verb(Some(v), verb, top),
        }
    }

    /// Hex with or without `0x`, whatever the sharp flag says.
    fn fmt_0x64(&mut self, v: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer(v, 16, false, 'v', LOWER_DIGITS);
        self.f.sharp = sharp;
    }

    fn fmt_int_verb(&mut self, v: &Value, u: u64, signed: bool, verb: char, top: bool) {
        match verb {
            'v' => {
                if self.f.sharp_v && !signed {
                    self.fmt_0x64(u, true);
                } else {
                    self.fmt_integer(u, 10, signed, verb, LOWER_DIGITS);
                }
            }
            'd' => self.fmt_integer(u, 10, signed, verb, LOWER_DIGITS),
            'b' => self.fmt_integer(u, 2, signed, verb, LOWER_DIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, LOWER_DIGITS),
            'x' => self.fmt_integer(u, 16, signed, verb, LOWER_DIGITS),
            'X' => self.fmt_integer(u, 16, signed, verb, UPPER_DIGITS),
            'c' => self.fmt_c(u),
            'q' => self.fmt_qc(u),
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(Some(v), verb, top),
        }
    }

    fn fmt_float_verb(&mut self, v: &Value, x: f64, verb: char, top: bool) {
        match verb {
            'v' => self.fmt_float(x, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(x, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float(x, verb as u8, 6),
            'F' => self.fmt_float(x, b'f', 6),
            _ => self.bad_verb(Some(v), verb, top),
        }
    }

    /// A string (or a String method's result) under a verb.
    fn fmt_string(&mut self, s: &[u8], verb: char, v: Option<&Value>, top: bool) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sbx(s, LOWER_DIGITS),
            'X' => self.fmt_sbx(s, UPPER_DIGITS),
            'q' => self.fmt_q(s),
            _ => {
                let owned;
                let v = match v {
                    Some(v) => v,
                    None => {
                        owned = Value::String(String::from_utf8_lossy(s).into());
                        &owned
                    }
                };
                self.bad_verb(Some(v), verb, top)
            }
        }
    }

    /// A byte slice: as a string for `%s %q %x %X`, as numbers for `%v %d`, and
    /// element by element for anything else.
    fn fmt_bytes(&mut self, b: &[u8], verb: char, type_string: &str) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.write_str(type_string);
                    self.write_byte(b'{');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.write_str(", ");
                        }
                        self.fmt_0x64(c as u64, true);
                    }
                    self.write_byte(b'}');
                } else {
                    self.write_byte(b'[');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.write_byte(b' ');
                        }
                        self.fmt_integer(c as u64, 10, false, verb, LOWER_DIGITS);
                    }
                    self.write_byte(b']');
                }
            }
            's' => self.fmt_s(b),
            'x' => self.fmt_sbx(b, LOWER_DIGITS),
            'X' => self.fmt_sbx(b, UPPER_DIGITS),
            'q' => self.fmt_q(b),
            _ => {
                let items: Vec<Value> = b
                    .iter()
                    .map(|&c| Value::Uint(c as u64, UintKind::Uint8))
                    .collect();
                self.print_list_items(&GoType::Uint(UintKind::Uint8), &items, "[]uint8", verb, 0);
            }
        }
    }

    /// Pointer-like values (pointers, maps, slices) under `%p`, `%v` and the integer
    /// verbs. `address` is 0 for a nil pointer.
    fn fmt_pointer(&mut self, v: &Value, address: u64, verb: char) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.write_byte(b'(');
                    let ty = v.go_type().to_string();
                    self.write_str(&ty);
                    self.write_str(")(");
                    if address == 0 {
                        self.write_str("nil");
                    } else {
                        self.fmt_0x64(address, true);
                    }
                    self.write_byte(b')');
                } else if address == 0 {
                    self.pad_str("<nil>");
                } else {
                    let sharp = self.f.sharp;
                    self.fmt_0x64(address, !sharp);
                }
            }
            'p' => {
                let sharp = self.f.sharp;
                self.fmt_0x64(address, !sharp);
            }
            'b' | 'o' | 'd' | 'x' | 'X' => self.fmt_int_verb(v, address, false, verb, false),
            _ => self.bad_verb(Some(v), verb, false),
        }
    }

    /// Uses the object's String method for the verbs that accept a string.
    fn handle_methods(&mut self, o: &Arc<dyn Object>, verb: char) -> bool {
        if self.erroring {
            return false;
        }
        if verb == 'w' {
            self.bad_verb(Some(&Value::Object(o.clone())), verb, true);
            return true;
        }
        if self.f.sharp_v {
            return false;
        }
        if matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
            if let Some(s) = o.stringer() {
                self.fmt_string(s.as_bytes(), verb, None, true);
                return true;
            }
        }
        false
    }

    // ----- walking values -----

    /// One operand of Printf/Print at the top level.
    pub fn print_arg(&mut self, arg: &Value, verb: char) {
        if let Value::Nil = arg {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(None, verb, true),
            }
            return;
        }
        match verb {
            'T' => {
                let ty = arg.go_type().to_string();
                self.fmt_s(ty.as_bytes());
                return;
            }
            'p' => {
                match arg {
                    Value::Map(_) | Value::List(_) | Value::Bytes(_) => {
                        self.fmt_pointer(arg, PLACEHOLDER_ADDRESS, 'p')
                    }
                    Value::Object(o) if o.is_pointer() => {
                        let addr = if o.truth() { PLACEHOLDER_ADDRESS } else { 0 };
                        self.fmt_pointer(arg, addr, 'p')
                    }
                    _ => self.bad_verb(Some(arg), 'p', true),
                }
                return;
            }
            _ => {}
        }
        match arg {
            Value::Nil => {}
            Value::Bool(b) => self.fmt_bool(arg, *b, verb, true),
            Value::Int(i, _) => self.fmt_int_verb(arg, *i as u64, true, verb, true),
            Value::Uint(u, _) => self.fmt_int_verb(arg, *u, false, verb, true),
            Value::Float(x) => self.fmt_float_verb(arg, *x, verb, true),
            Value::String(s) => self.fmt_string(s.as_bytes(), verb, Some(arg), true),
            Value::Bytes(b) => self.fmt_bytes(b, verb, "[]byte"),
            Value::Object(o) => {
                if !self.handle_methods(o, verb) {
                    self.print_value(arg, verb, 0);
                }
            }
            Value::List(_) | Value::Map(_) => {
                if verb == 'w' {
                    self.bad_verb(Some(arg), verb, true);
                } else {
                    self.print_value(arg, verb, 0);
                }
            }
        }
    }

    /// A value inside a container or struct whose static type is `slot` (`None`
    /// for `interface {}`): nil prints by that type, anything else as itself.
    fn print_slot(&mut self, v: &Value, slot: Option<&GoType>, verb: char, depth: usize) {
        if let Value::Nil = v {
            match slot {
                Some(ty @ GoType::Slice(_)) | Some(ty @ GoType::Map(..)) => {
                    if self.f.sharp_v {
                        let name = ty.to_string();
                        self.write_str(&name);
                        self.write_str("(nil)");
                    } else if matches!(ty, GoType::Slice(_)) {
                        self.write_str("[]");
                    } else {
                        self.write_str("map[]");
                    }
                }
                Some(GoType::Named(name)) => {
                    if self.f.sharp_v {
                        self.write_str("(");
                        self.write_str(name);
                        self.write_str(")(nil)");
                    } else if verb == 'v' {
                        self.pad_str("<nil>");
                    } else {
                        self.write_str("%!");
                        self.write_char(verb);
                        self.write_byte(b'(');
                        self.write_str(name);
                        self.write_str("=<nil>)");
                    }
                }
                _ => {
                    if self.f.sharp_v {
                        self.write_str("interface {}(nil)");
                    } else {
                        self.write_str("<nil>");
                    }
                }
            }
            return;
        }
        self.print_value(v, verb, depth + 1);
    }

    /// Go's `printValue`: a value reached by reflection at the given depth.
    pub fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > 0 {
            if let Value::Object(o) = v {
                if self.handle_methods(o, verb) {
                    return;
                }
            }
        }
        match v {
            Value::Nil => {
                if verb == 'v' {
                    self.write_str("<nil>");
                } else {
                    self.bad_verb(None, verb, false);
                }
            }
            Value::Bool(b) => self.fmt_bool(v, *b, verb, false),
            Value::Int(i, _) => self.fmt_int_verb(v, *i as u64, true, verb, false),
            Value::Uint(u, _) => self.fmt_int_verb(v, *u, false, verb, false),
            Value::Float(x) => self.fmt_float_verb(v, *x, verb, false),
            Value::String(s) => self.fmt_string(s.as_bytes(), verb, Some(v), false),
            Value::Bytes(b) => {
                if matches!(verb, 's' | 'q' | 'x' | 'X') {
                    self.fmt_bytes(b, verb, "[]uint8");
                } else {
                    let items: Vec<Value> = b
                        .iter()
                        .map(|&c| Value::Uint(c as u64, UintKind::Uint8))
                        .collect();
                    self.print_list_items(
                        &GoType::Uint(UintKind::Uint8),
                        &items,
                        "[]uint8",
                        verb,
                        depth,
                    );
                }
            }
            Value::List(l) => {
                if matches!(verb, 's' | 'q' | 'x' | 'X') {
                    if let Some(bytes) = list_bytes(&l.elem, &l.items) {
                        let ty = v.go_type().to_string();
                        self.fmt_bytes(&bytes, verb, &ty);
                        return;
                    }
                }
                let ty = v.go_type().to_string();
                self.print_list_items(&l.elem, &l.items, &ty, verb, depth);
            }
            Value::Map(m) => {
                let entries = m.entries();
                if self.f.sharp_v {
                    let ty = v.go_type().to_string();
                    self.write_str(&ty);
                    self.write_byte(b'{');
                } else {
                    self.write_str("map[");
                }
                let elem = m.ty.elem.clone();
                let slot = if elem == GoType::Interface {
                    None
                } else {
                    Some(&elem)
                };
                for (i, (key, val)) in entries.iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.write_str(", ");
                        } else {
                            self.write_byte(b' ');
                        }
                    }
                    let key = Value::String(key.as_str().into());
                    self.print_value(&key, verb, depth + 1);
                    self.write_byte(b':');
                    self.print_slot(val, slot, verb, depth + 1);
                }
                self.write_byte(if self.f.sharp_v { b'}' } else { b']' });
            }
            Value::Object(o) => {
                if o.is_pointer() {
                    if !o.truth() {
                        self.fmt_pointer(v, 0, verb);
                    } else if depth == 0 {
                        self.write_byte(b'&');
                        self.print_struct(o, verb, depth + 1);
                    } else {
                        self.fmt_pointer(v, PLACEHOLDER_ADDRESS, verb);
                    }
                } else {
                    self.print_struct(o, verb, depth);
                }
            }
        }
    }

    /// `[a b]`, or `[]T{a, b}` under `%#v`.
    fn print_list_items(
        &mut self,
        elem: &GoType,
        items: &[Value],
        type_string: &str,
        verb: char,
        depth: usize,
    ) {
        let slot = if *elem == GoType::Interface {
            None
        } else {
            Some(elem)
        };
        if self.f.sharp_v {
            self.write_str(type_string);
            self.write_byte(b'{');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.write_str(", ");
                }
                self.print_slot(item, slot, verb, depth + 1);
            }
            self.write_byte(b'}');
        } else {
            self.write_byte(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.write_byte(b' ');
                }
                self.print_slot(item, slot, verb, depth + 1);
            }
            self.write_byte(b']');
        }
    }

    /// `{a b}`, `{A:a B:b}` under `%+v`, `pkg.T{A:"a", B:"b"}` under `%#v`.
    pub(super) fn print_struct(&mut self, o: &Arc<dyn Object>, verb: char, depth: usize) {
        if self.f.sharp_v {
            let name = struct_type_name(o.as_ref());
            self.write_str(&name);
        }
        self.write_byte(b'{');
        for (i, (name, val)) in o.fields().iter().enumerate() {
            if i > 0 {
                if self.f.sharp_v {
                    self.write_str(", ");
                } else {
                    self.write_byte(b' ');
                }
            }
            if (self.f.plus_v || self.f.sharp_v) && !name.is_empty() {
                self.write_str(name);
                self.write_byte(b':');
            }
            self.print_slot(val, None, verb, depth + 1);
        }
        self.write_byte(b'}');
    }

    /// An operand after `text/template`'s `printableValue`.
    pub(super) fn print_operand(&mut self, op: Operand<'_>, verb: char) {
        match op {
            Operand::Plain(v) => self.print_arg(v, verb),
            Operand::NoValue => self.fmt_s(b"<no value>"),
            Operand::Pointee(o) => {
                // Only reached for pointers without a String method: print the struct.
                self.print_struct(o, verb, 0);
            }
        }
    }

    // ----- the three entry points -----

    fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if format.len() <= i || format[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&format[i..]);
        if ok && 0 <= index && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    /// Go's `doPrintf`.
    pub fn do_printf(&mut self, format: &str, a: &[Value]) {
        let fmt = format.as_bytes();
        let end = fmt.len();
        let mut arg_num: usize = 0;
        let mut after_index;
        self.reordered = false;
        let mut i = 0;
        while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fmt[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.extend_from_slice(&fmt[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1; // skip '%'

            self.clear_flags();
            while i < end {
                match fmt[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = true,
                    b'+' => self.f.plus = true,
                    b'-' => self.f.minus = true,
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }

            // An explicit argument index?
            (arg_num, i, after_index) = self.arg_number(arg_num, fmt, i, a.len());

            // Width.
            if i < end && fmt[i] == b'*' {
                i += 1;
                let (wid, ok, next) = int_from_arg(a, arg_num);
                self.wid = wid;
                self.f.wid_present = ok;
                arg_num = next;
                if !ok {
                    self.write_str("%!(BADWIDTH)");
                }
                if self.wid < 0 {
                    self.wid = -self.wid;
                    self.f.minus = true;
                    self.f.zero = false;
                }
                after_index = false;
            } else {
                let (wid, ok, next) = parse_num(fmt, i, end);
                self.wid = wid;
                self.f.wid_present = ok;
                i = next;
                if after_index && self.f.wid_present {
                    self.good_arg_num = false;
                }
            }

            // Precision.
            if i + 1 < end && fmt[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, fmt, i, a.len());
                if i < end && fmt[i] == b'*' {
                    i += 1;
                    let (prec, ok, next) = int_from_arg(a, arg_num);
                    self.prec = prec;
                    self.f.prec_present = ok;
                    arg_num = next;
                    if self.prec < 0 {
                        self.prec = 0;
                        self.f.prec_present = false;
                    }
                    if !self.f.prec_present {
                        self.write_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (prec, ok, next) = parse_num(fmt, i, end);
                    self.prec = prec;
                    self.f.prec_present = ok;
                    i = next;
                    if !self.f.prec_present {
                        self.prec = 0;
                        self.f.prec_present = true;
                    }
                }
            }

            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, fmt, i, a.len());
            }

            if i >= end {
                self.write_str("%!(NOVERB)");
                break;
            }

            let verb = format[i..].chars().next().unwrap_or('%');
            i += verb.len_utf8();

            if verb == '%' {
                self.write_byte(b'%');
            } else if !self.good_arg_num {
                self.write_str("%!");
                self.write_char(verb);
                self.write_str("(BADINDEX)");
            } else if arg_num >= a.len() {
                self.write_str("%!");
                self.write_char(verb);
                self.write_str("(MISSING)");
            } else {
                if verb == 'v' || verb == 'w' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(&a[arg_num], verb);
                arg_num += 1;
            }
        }

        // Unused arguments are reported unless indexes were used.
        if !self.reordered && arg_num < a.len() {
            self.clear_flags();
            self.write_str("%!(EXTRA ");
            for (i, arg) in a[arg_num..].iter().enumerate() {
                if i > 0 {
                    self.write_str(", ");
                }
                if let Value::Nil = arg {
                    self.write_str("<nil>");
                } else {
                    let ty = arg.go_type().to_string();
                    self.write_str(&ty);
                    self.write_byte(b'=');
                    self.print_arg(arg, 'v');
                }
            }
            self.write_byte(b')');
        }
    }

    /// Go's `doPrint`: a space between operands when neither is a string.
    pub(super) fn do_print(&mut self, a: &[Operand<'_>]) {
        let mut prev_string = false;
        for (n, op) in a.iter().enumerate() {
            let is_string = op.is_string();
            if n > 0 && !is_string && !prev_string {
                self.write_byte(b' ');
            }
            self.print_operand(*op, 'v');
            prev_string = is_string;
        }
    }

    /// Go's `doPrintln`: spaces between all operands and a final newline.
    pub(super) fn do_println(&mut self, a: &[Operand<'_>]) {
        for (n, op) in a.iter().enumerate() {
            if n > 0 {
                self.write_byte(b' ');
            }
            self.print_operand(*op, 'v');
        }
        self.write_byte(b'\n');
    }
}
