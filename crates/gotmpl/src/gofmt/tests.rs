//! Expected outputs are Go 1.25's, taken from the cases Go's own `fmt`, `strconv`
//! and `text/template` tests check and from documented behaviour.

// Go's examples use literals such as 3.14159 and exact binary fractions.
#![allow(clippy::approx_constant, clippy::excessive_precision)]

use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::object::Object;
use crate::types::{GoType, IntKind, UintKind};
use crate::value::{List, Map, MapType, Value};

fn int(v: i64) -> Value {
    Value::int(v)
}

fn int_of(v: i64, k: IntKind) -> Value {
    Value::Int(v, k)
}

fn uint(v: u64) -> Value {
    Value::Uint(v, UintKind::Uint)
}

fn uint_of(v: u64, k: UintKind) -> Value {
    Value::Uint(v, k)
}

/// A Go rune (`int32`).
fn rune(c: u32) -> Value {
    Value::Int(c as i64, IntKind::Int32)
}

fn flt(v: f64) -> Value {
    Value::Float(v)
}

fn st(v: &str) -> Value {
    Value::string(v)
}

fn bytes(b: &[u8]) -> Value {
    Value::Bytes(Arc::from(b))
}

fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}

fn typed_list(elem: GoType, items: Vec<Value>) -> Value {
    Value::List(Arc::new(List::new(elem, items)))
}

fn map(entries: &[(&str, Value)]) -> Value {
    let m: BTreeMap<String, Value> = entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    Value::map(m)
}

fn typed_map(ty: MapType, entries: &[(&str, Value)]) -> Value {
    let m: BTreeMap<String, Value> = entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    Value::Map(Arc::new(Map::new(ty, m)))
}

/// A struct or pointer-to-struct host object for the tests.
#[derive(Debug)]
struct TestObject {
    name: &'static str,
    pointer: bool,
    nil: bool,
    fields: Vec<(String, Value)>,
    string: Option<String>,
}

impl Object for TestObject {
    fn type_name(&self) -> String {
        self.name.to_string()
    }
    fn field(&self, name: &str) -> Option<Value> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
    fn is_pointer(&self) -> bool {
        self.pointer
    }
    fn truth(&self) -> bool {
        !self.nil
    }
    fn fields(&self) -> Vec<(String, Value)> {
        self.fields.clone()
    }
    fn stringer(&self) -> Option<String> {
        self.string.clone()
    }
}

fn object(
    name: &'static str,
    pointer: bool,
    fields: Vec<(&str, Value)>,
    string: Option<&str>,
) -> Value {
    Value::Object(Arc::new(TestObject {
        name,
        pointer,
        nil: false,
        fields: fields
            .into_iter()
            .map(|(n, v)| (n.to_string(), v))
            .collect(),
        string: string.map(str::to_string),
    }))
}

fn nil_pointer(name: &'static str) -> Value {
    Value::Object(Arc::new(TestObject {
        name,
        pointer: true,
        nil: true,
        fields: vec![],
        string: None,
    }))
}

/// `main.T{Name string; Age int}` as a struct value.
fn person() -> Value {
    object(
        "main.T",
        false,
        vec![("Name", st("x")), ("Age", int(1))],
        None,
    )
}

/// `&main.T{...}`.
fn person_ptr() -> Value {
    object(
        "*main.T",
        true,
        vec![("Name", st("x")), ("Age", int(1))],
        None,
    )
}

/// A type with a String method returning `<23>`.
fn stringer() -> Value {
    object("main.I", false, vec![("V", int(23))], Some("<23>"))
}

#[track_caller]
fn check(format: &str, args: &[Value], want: &str) {
    assert_eq!(sprintf(format, args), want, "Sprintf({format:?}, {args:?})");
}

#[track_caller]
fn check1(format: &str, arg: Value, want: &str) {
    check(format, &[arg], want);
}

fn zero_fill(prefix: &str, width: usize, suffix: &str) -> String {
    format!("{prefix}{}{suffix}", "0".repeat(width - suffix.len()))
}

#[test]
fn basic_verbs() {
    check1("%d", int(12345), "12345");
    check1("%v", int(12345), "12345");
    check1("%t", Value::Bool(true), "true");
    check1("%v", Value::Bool(false), "false");
    check1("%s", st("abc"), "abc");
    check1("%q", st("abc"), "\"abc\"");
    check("%%", &[], "%");
    check("a%%b", &[], "a%b");
    check("%d%%", &[int(5)], "5%");
}

#[test]
fn strings_in_hex() {
    check1("%x", st("abc"), "616263");
    check1("%x", st("hi"), "6869");
    check1("%X", st("xyz"), "78797A");
    check1("%x", st(""), "");
    check1("% x", st(""), "");
    check1("%#x", st(""), "");
    check1("% x", st("xyz"), "78 79 7a");
    check1("% X", st("xyz"), "78 79 7A");
    check1("%#x", st("xyz"), "0x78797a");
    check1("%#X", st("xyz"), "0X78797A");
    check1("%# x", st("xyz"), "0x78 0x79 0x7a");
    check1("%# X", st("xyz"), "0X78 0X79 0X7A");
    check1("%.5x", st("abcdefghijklmnopqrstuvwxyz"), "6162636465");
    check1("%.1x", st("日本語"), "e6");
    check1("%2x", st(""), "  ");
    check1("% 02x", st(""), "00");
    check1("%-02x", st(""), "  ");
    check1("%8x", st("\u{ab}"), "    c2ab");
    check1("%10x", st("ab"), "      6162");
    check1("% 10x", st("ab"), "     61 62");
    check1("%#10x", st("ab"), "    0x6162");
    check1("%# 10x", st("ab"), " 0x61 0x62");
    check1("%010x", st("ab"), "0000006162");
    check1("% 010x", st("ab"), "0000061 62");
    check1("%#010x", st("ab"), "00000x6162");
    check1("%# 010x", st("ab"), "00x61 0x62");
    check1("%-10X", st("a"), "61        ");
    check1("%# -010X", st("ab"), "0X61 0X62 ");
}

#[test]
fn byte_slices() {
    check1("%s", bytes(b"abc"), "abc");
    check1("%q", bytes(b"abc"), "\"abc\"");
    check1("%x", bytes(b"abc"), "616263");
    check1("%x", bytes(b"\xff\xf0\x0f\xff"), "fff00fff");
    check1("%X", bytes(b"\xff\xf0\x0f\xff"), "FFF00FFF");
    check1("%# x", bytes(b"xyz"), "0x78 0x79 0x7a");
    check1("%v", bytes(b"hi"), "[104 105]");
    check1("%d", bytes(&[1, 2, 15]), "[1 2 15]");
    check1("%#v", bytes(&[1, 11, 111]), "[]byte{0x1, 0xb, 0x6f}");
    check1("%#v", bytes(b""), "[]byte{}");
    check1("%012v", bytes(b""), "[]");
    check1("%#012v", bytes(b""), "[]byte{}");
    check1("%6v", bytes(&[1, 11, 111]), "[     1     11    111]");
    check1("%06v", bytes(&[1, 11, 111]), "[000001 000011 000111]");
    check1("%-6v", bytes(&[1, 11, 111]), "[1      11     111   ]");
    check1("%-06v", bytes(&[1, 11, 111]), "[1      11     111   ]");
    check1(
        "%#6v",
        bytes(&[1, 11, 111]),
        "[]byte{   0x1,    0xb,   0x6f}",
    );
    check1(
        "%#06v",
        bytes(&[1, 11, 111]),
        "[]byte{0x000001, 0x00000b, 0x00006f}",
    );
    check1(
        "%#-6v",
        bytes(&[1, 11, 111]),
        "[]byte{0x1   , 0xb   , 0x6f  }",
    );
    check1("% v", bytes(&[1, 11, 111]), "[ 1  11  111]");
    check1(
        "%# -6v",
        bytes(&[1, 11, 111]),
        "[]byte{ 0x1  ,  0xb  ,  0x6f }",
    );
    check1("% d", bytes(&[1, 11, 111]), "[ 1  11  111]");
    check1("%# -6d", bytes(&[1, 11, 111]), "[ 1      11     111  ]");
    check1("%b", bytes(&[65, 66, 67]), "[1000001 1000010 1000011]");
    check1("%c", bytes(&[65, 66, 67]), "[A B C]");
    check1("%o", bytes(&[65, 66, 67]), "[101 102 103]");
    check1("%U", bytes(&[65, 66, 67]), "[U+0041 U+0042 U+0043]");
    check1("% 02x", bytes(&[1]), "01");
    check1("% 02x", bytes(&[1, 2, 3]), "01 02 03");
    check1("%2x", bytes(&[]), "  ");
    check1("%# 02x", bytes(&[]), "00");
    check1("%#08x", bytes(&[0xab]), "00000xab");
    check1("%# 010x", bytes(&[0xab, 0xcd]), "00xab 0xcd");
    check1("%#-10X", bytes(&[0xab, 0xcd]), "0XABCD    ");
    check1("%5s", bytes(b"abc"), "  abc");
    check1("%-5s", bytes(b"abc"), "abc  ");
    check1("%05s", bytes(b"abc"), "00abc");
    check1("%.5s", bytes(b"abcdefghijklmnopqrstuvwxyz"), "abcde");
    check1("%.0s", bytes("日本語日本語".as_bytes()), "");
    check1("%.5s", bytes("日本語日本語".as_bytes()), "日本語日本");
    check1("%.3q", bytes("日本語日本語".as_bytes()), "\"日本語\"");
    check1("%.1X", bytes("日本語".as_bytes()), "E6");
    check1("%10.1q", bytes("日本語日本語".as_bytes()), "       \"日\"");
    check1("%08q", bytes(b"abc"), "000\"abc\"");
    check1("%T", bytes(b"abc"), "[]uint8");
}

#[test]
fn quoted_strings() {
    check1("%q", st(""), "\"\"");
    check1("%#q", st(""), "``");
    check1("%q", st("\""), "\"\\\"\"");
    check1("%#q", st("\""), "`\"`");
    check1("%q", st("`"), "\"`\"");
    check1("%#q", st("`"), "\"`\"");
    check1("%q", st("\n"), "\"\\n\"");
    check1("%#q", st("\n"), "\"\\n\"");
    check1("%q", st("\\n"), "\"\\\\n\"");
    check1("%#q", st("\\n"), "`\\n`");
    check1("%#q", st("abc"), "`abc`");
    check1("%q", st("日本語"), "\"日本語\"");
    check1("%+q", st("日本語"), "\"\\u65e5\\u672c\\u8a9e\"");
    check1("%#q", st("日本語"), "`日本語`");
    check1("%#+q", st("日本語"), "`日本語`");
    check1(
        "%q",
        st("\u{7}\u{8}\u{c}\n\r\t\u{b}\"\\"),
        "\"\\a\\b\\f\\n\\r\\t\\v\\\"\\\\\"",
    );
    check1(
        "%+q",
        st("\u{7}\u{8}\u{c}\n\r\t\u{b}\"\\"),
        "\"\\a\\b\\f\\n\\r\\t\\v\\\"\\\\\"",
    );
    check1("%q", st("☺"), "\"☺\"");
    check1("% q", st("☺"), "\"☺\"");
    check1("%+q", st("☺"), "\"\\u263a\"");
    check1("%#q", st("☺"), "`☺`");
    check1("%10q", st("⌘"), "       \"⌘\"");
    check1("%+10q", st("⌘"), "  \"\\u2318\"");
    check1("%-10q", st("⌘"), "\"⌘\"       ");
    check1("%+-10q", st("⌘"), "\"\\u2318\"  ");
    check1("%010q", st("⌘"), "0000000\"⌘\"");
    check1("%+010q", st("⌘"), "00\"\\u2318\"");
    check1("%-010q", st("⌘"), "\"⌘\"       ");
    check1("%#8q", st("\n"), "    \"\\n\"");
    check1("%#+8q", st("\r"), "    \"\\r\"");
    check1("%#-8q", st("\t"), "`\t`     ");
    check1("%#+-8q", st("\u{8}"), "\"\\b\"    ");
    check1("%q", bytes(b"abc\xffdef"), "\"abc\\xffdef\"");
    check1("%+q", bytes(b"abc\xffdef"), "\"abc\\xffdef\"");
    check1("%#q", bytes(b"abc\xffdef"), "\"abc\\xffdef\"");
    // Not printable, not valid.
    check1("%q", st("\u{10ffff}"), "\"\\U0010ffff\"");
    check1("%+q", st("\u{10ffff}"), "\"\\U0010ffff\"");
    check1("%#q", st("\u{10ffff}"), "`\u{10ffff}`");
    check1("%q", st("\u{fffd}"), "\"\u{fffd}\"");
    check1("%+q", st("\u{fffd}"), "\"\\ufffd\"");
    check1("%q", st("\u{feff}"), "\"\\ufeff\"");
    check1("%#q", st("\u{feff}"), "\"\\ufeff\"");
    check1("%q", st("\u{7f}\u{1}"), "\"\\x7f\\x01\"");
    check1("%q", st("\u{a0}\u{ad}é"), "\"\\u00a0\\u00adé\"");
    check1("%.5q", st("abcdefghijklmnopqrstuvwxyz"), "\"abcde\"");
    check1("%.1q", st("日本語"), "\"日\"");
    check1("%08q", st("abc"), "000\"abc\"");
    check1("%-8q", st("abc"), "\"abc\"   ");
}

#[test]
fn characters() {
    check1("%c", uint('x' as u64), "x");
    check1("%c", int(0xe4), "ä");
    check1("%c", int(0x672c), "本");
    check1("%c", rune('日' as u32), "日");
    check1("%.0c", rune('⌘' as u32), "⌘");
    check1("%3c", rune('⌘' as u32), "  ⌘");
    check1("%-3c", rune('⌘' as u32), "⌘  ");
    check1("%c", uint_of(0x100000000, UintKind::Uint64), "\u{fffd}");
    check1("%c", rune(0xe00), "\u{e00}");
    check1("%c", int(-1), "\u{fffd}");
    check1("%c", int(0xDC80), "\u{fffd}");
    check1("%c", rune(0x110000), "\u{fffd}");
    check1("%c", int64_(0xFFFFFFFFF), "\u{fffd}");
    check1("%20c", rune('x' as u32), "                   x");
    check1("%-20c", rune('x' as u32), "x                   ");

    check1("%q", uint(0), "'\\x00'");
    check1("%+q", uint(0), "'\\x00'");
    check1("%q", rune('"' as u32), "'\"'");
    check1("%q", rune('\'' as u32), "'\\''");
    check1("%q", rune('`' as u32), "'`'");
    check1("%q", rune('x' as u32), "'x'");
    check1("%q", int('x' as i64), "'x'");
    check1("%q", rune('ÿ' as u32), "'ÿ'");
    check1("%+q", rune('ÿ' as u32), "'\\u00ff'");
    check1("%q", rune('\n' as u32), "'\\n'");
    check1("%q", rune('☺' as u32), "'☺'");
    check1("%+q", rune('☺' as u32), "'\\u263a'");
    check1("% q", rune('☺' as u32), "'☺'");
    check1("%.0q", rune('☺' as u32), "'☺'");
    check1("%10q", rune('⌘' as u32), "       '⌘'");
    check1("%+10q", rune('⌘' as u32), "  '\\u2318'");
    check1("%-10q", rune('⌘' as u32), "'⌘'       ");
    check1("%010q", rune('⌘' as u32), "0000000'⌘'");
    check1("%+010q", rune('⌘' as u32), "00'\\u2318'");
    check1("%-010q", rune('⌘' as u32), "'⌘'       ");
    check1("%q", rune(0xe00), "'\\u0e00'");
    check1("%q", rune(0x10ffff), "'\\U0010ffff'");
    check1("%q", int_of(-1, IntKind::Int32), "'\u{fffd}'");
    check1("%q", int(0xDC80), "'\u{fffd}'");
    check1("%q", uint_of(0xFFFFFFFFF, UintKind::Uint64), "'\u{fffd}'");
}

fn int64_(v: i64) -> Value {
    int_of(v, IntKind::Int64)
}

#[test]
fn widths_and_strings() {
    check1("%5s", st("abc"), "  abc");
    check1("%2s", st("☺"), " ☺");
    check1("%-5s", st("abc"), "abc  ");
    check1("%-8s|", st("abc"), "abc     |");
    check1("%05s", st("abc"), "00abc");
    check1("%0-5s", st("abc"), "abc  ");
    check1(
        "%5s",
        st("abcdefghijklmnopqrstuvwxyz"),
        "abcdefghijklmnopqrstuvwxyz",
    );
    check1("%.5s", st("abcdefghijklmnopqrstuvwxyz"), "abcde");
    check1("%.0s", st("日本語日本語"), "");
    check1("%.5s", st("日本語日本語"), "日本語日本");
    check1("%.10s", st("日本語日本語"), "日本語日本語");
    check1("%20.5s", st("qwertyuiop"), "               qwert");
    check1("%-20.5s", st("qwertyuiop"), "qwert               ");
    check1("%10v", Value::Nil, "     <nil>");
    check1("%-10v", Value::Nil, "<nil>     ");
    check1("%6s", Value::Bool(true), "%!s(bool=  true)");
    check1("%6t", Value::Bool(true), "  true");
}

#[test]
fn integers() {
    check1("%d", uint(12345), "12345");
    check1("%d", int(-12345), "-12345");
    check1("%d", uint_of(255, UintKind::Uint8), "255");
    check1(
        "%d",
        uint_of(u64::MAX, UintKind::Uint64),
        "18446744073709551615",
    );
    check1("%d", int_of(-128, IntKind::Int8), "-128");
    check1("%d", int64_(i64::MIN), "-9223372036854775808");
    check1("%.d", int(0), "");
    check1("%.0d", int(0), "");
    check1("%6.0d", int(0), "      ");
    check1("%06.0d", int(0), "      ");
    check1("% d", int(12345), " 12345");
    check1("%+d", int(12345), "+12345");
    check1("%+d", int(-12345), "-12345");
    check1("%b", int(7), "111");
    check1("%b", int(-6), "-110");
    check1("%#b", int(7), "0b111");
    check1("%#b", int(-6), "-0b110");
    check1(
        "%b",
        uint_of(u32::MAX as u64, UintKind::Uint32),
        "11111111111111111111111111111111",
    );
    check1("%b", int64_(i64::MIN), &zero_fill("-1", 63, ""));
    check1("%o", int(0o1234), "1234");
    check1("%o", int(-0o1234), "-1234");
    check1("%#o", int(0o1234), "01234");
    check1("%#o", int(-0o1234), "-01234");
    check1("%#o", int(15), "017");
    check1("%#o", int(0), "0");
    check1("%O", int(0o1234), "0o1234");
    check1("%O", int(-0o1234), "-0o1234");
    check1(
        "%o",
        uint_of(u64::MAX, UintKind::Uint64),
        "1777777777777777777777",
    );
    check1("%#X", int(0), "0X0");
    check1("%x", int(0x12abcdef), "12abcdef");
    check1("%X", int(0x12abcdef), "12ABCDEF");
    check1("%x", int(-255), "-ff");
    check1("%#x", int(255), "0xff");
    check1(
        "%X",
        uint_of(u64::MAX, UintKind::Uint64),
        "FFFFFFFFFFFFFFFF",
    );
    check1("%.20b", int(7), "00000000000000000111");
    check1("%10d", int(12345), "     12345");
    check1("%10d", int(-12345), "    -12345");
    check1("%+10d", int(12345), "    +12345");
    check1("%010d", int(12345), "0000012345");
    check1("%010d", int(-12345), "-000012345");
    check1("%20.8d", int(1234), "            00001234");
    check1("%20.8d", int(-1234), "           -00001234");
    check1("%020.8d", int(1234), "            00001234");
    check1("%-20.8d", int(-1234), "-00001234           ");
    check1("%-#20.8x", int(0x1234abc), "0x01234abc          ");
    check1("%-#20.8X", int(0x1234abc), "0X01234ABC          ");
    check1("%-#20.8o", int(0o1234), "00001234            ");
    check1("%068d", int(1), &zero_fill("", 68, "1"));
    check1("%068d", int(-1), &zero_fill("-", 67, "1"));
    check1("%#.68x", int(42), &zero_fill("0x", 68, "2a"));
    check1("%.68d", int(-42), &zero_fill("-", 68, "42"));
    check1("%+.68d", int(42), &zero_fill("+", 68, "42"));
    check1("% .68d", int(42), &zero_fill(" ", 68, "42"));
    check1("% +.68d", int(42), &zero_fill("+", 68, "42"));
    check1("%-08d|", int(5), "5       |");
    check1("%08d", int(-5), "-0000005");
}

#[test]
fn go_syntax_integers() {
    check1(
        "%#v",
        uint_of(u64::MAX, UintKind::Uint64),
        "0xffffffffffffffff",
    );
    check1("%#v", int(1000000000), "1000000000");
    check1("%#v", uint_of(7, UintKind::Uint8), "0x7");
    check1("%+v", int(5), "5");
}

#[test]
fn unicode_verb() {
    check1("%U", int(0), "U+0000");
    check1("%U", int(-1), "U+FFFFFFFFFFFFFFFF");
    check1("%U", rune('\n' as u32), "U+000A");
    check1("%#U", rune('\n' as u32), "U+000A");
    check1("%+U", rune('x' as u32), "U+0078");
    check1("%# U", rune('x' as u32), "U+0078 'x'");
    check1("%#.2U", rune('x' as u32), "U+0078 'x'");
    check1("%U", rune(0x263a), "U+263A");
    check1("%#U", rune(0x263a), "U+263A '☺'");
    check1("%U", rune(0x1D6C2), "U+1D6C2");
    check1("%#U", rune(0x1D6C2), "U+1D6C2 '𝛂'");
    check1("%U", int(0x1F600), "U+1F600");
    check1("%#U", int(0x1F600), "U+1F600 '😀'");
    check1("%#14.6U", rune('⌘' as u32), "  U+002318 '⌘'");
    check1("%#-14.6U", rune('⌘' as u32), "U+002318 '⌘'  ");
    check1("%#014.6U", rune('⌘' as u32), "  U+002318 '⌘'");
    check1("%#-014.6U", rune('⌘' as u32), "U+002318 '⌘'  ");
    check1("%.68U", uint(42), &zero_fill("U+", 68, "2A"));
    check1(
        "%#.68U",
        rune('日' as u32),
        &(zero_fill("U+", 68, "65E5") + " '日'"),
    );
}

#[test]
fn floats_default_format() {
    assert_eq!(sprint(&[flt(1000000.0)]), "1e+06");
    assert_eq!(sprint(&[flt(1234567.0)]), "1.234567e+06");
    assert_eq!(sprint(&[flt(123456.0)]), "123456");
    assert_eq!(sprint(&[flt(123456789.0)]), "1.23456789e+08");
    assert_eq!(sprint(&[flt(0.00001)]), "1e-05");
    assert_eq!(sprint(&[flt(0.0001)]), "0.0001");
    assert_eq!(sprint(&[flt(100.0)]), "100");
    assert_eq!(sprint(&[flt(1.5)]), "1.5");
    assert_eq!(sprint(&[flt(0.1 + 0.2)]), "0.30000000000000004");
    assert_eq!(sprint(&[flt(f64::INFINITY)]), "+Inf");
    assert_eq!(sprint(&[flt(f64::NEG_INFINITY)]), "-Inf");
    assert_eq!(sprint(&[flt(f64::NAN)]), "NaN");
    check1("%v", flt(-0.0), "-0");
    check1("%v", flt(0.0), "0");
    check1("%v", flt(1e20), "1e+20");
    check1("%v", flt(1e21), "1e+21");
    check1("%v", flt(1.2345678), "1.2345678");
    check1("%v", flt(5e-324), "5e-324");
    check1("%v", flt(f64::MAX), "1.7976931348623157e+308");
    // Two shortest candidates equally close: Go rounds the digit to even.
    check1("%v", flt(1059438285926254.25), "1.0594382859262542e+15");
    check1("%v", flt(26363981746409.3125), "2.6363981746409312e+13");
    check1("%#v", flt(1.0), "1");
    check1("%#v", flt(1000000.0), "1e+06");
    check1("%#v", flt(1.2345678), "1.2345678");
    check1("%T", flt(1.0), "float64");
}

#[test]
fn floats_with_verbs() {
    check1("%.2f", flt(2.675), "2.67");
    check1("%g", flt(1e21), "1e+21");
    check1("%6.2f", flt(3.14159), "  3.14");
    check1("%08.3f", flt(3.14159), "0003.142");
    check1("%08.3f", flt(-3.14159), "-003.142");
    check1("%+.2e", flt(12345.678), "+1.23e+04");
    check1("%+.3e", flt(0.0), "+0.000e+00");
    check1("%+.3e", flt(1.0), "+1.000e+00");
    check1("%+.3x", flt(0.0), "+0x0.000p+00");
    check1("%+.3x", flt(1.0), "+0x1.000p+00");
    check1("%+.3f", flt(-1.0), "-1.000");
    check1("%+.3F", flt(-1.0), "-1.000");
    check1("%+07.2f", flt(1.0), "+001.00");
    check1("%+07.2f", flt(-1.0), "-001.00");
    check1("%-07.2f", flt(1.0), "1.00   ");
    check1("%-07.2f", flt(-1.0), "-1.00  ");
    check1("%+-07.2f", flt(1.0), "+1.00  ");
    check1("%-+07.2f", flt(-1.0), "-1.00  ");
    check1("%+10.2f", flt(1.0), "     +1.00");
    check1("%+10.2f", flt(-1.0), "     -1.00");
    check1("% .3E", flt(-1.0), "-1.000E+00");
    check1("% .3e", flt(1.0), " 1.000e+00");
    check1("% .3X", flt(-1.0), "-0X1.000P+00");
    check1("% .3x", flt(1.0), " 0x1.000p+00");
    check1("%+.3g", flt(0.0), "+0");
    check1("%+.3g", flt(1.0), "+1");
    check1("%+.3g", flt(-1.0), "-1");
    check1("% .3g", flt(-1.0), "-1");
    check1("% .3g", flt(1.0), " 1");
    check1("%b", flt(1.0), "4503599627370496p-52");
    check1("%#b", flt(1.0), "4503599627370496p-52");
    check1("%.4b", flt(-1.0), "-4503599627370496p-52");
    check1("%b", flt(0.0), "0p-1074");
    check1("%x", flt(1.0), "0x1p+00");
    check1("%x", flt(1.5), "0x1.8p+00");
    check1("%X", flt(-3.0), "-0X1.8P+01");
    check1("%x", flt(0.1), "0x1.999999999999ap-04");
    check1("%x", flt(5e-324), "0x1p-1074");
    check1("%.0x", flt(1.5), "0x1p+01");
    check1("%.0x", flt(2.5), "0x1p+01");
    check1("%.1x", flt(1.96875), "0x1.0p+01");
    check1("%.68f", flt(1.0), &zero_fill("1.", 68, ""));
    check1("%.68f", flt(-1.0), &zero_fill("-1.", 68, ""));
    check1("%e", flt(1.0), "1.000000e+00");
    check1("%e", flt(1234.5678e3), "1.234568e+06");
    check1("%e", flt(1234.5678e-8), "1.234568e-05");
    check1("%e", flt(-7.0), "-7.000000e+00");
    check1("%e", flt(-1e-9), "-1.000000e-09");
    check1("%f", flt(1234.5678e3), "1234567.800000");
    check1("%f", flt(1234.5678e-8), "0.000012");
    check1("%f", flt(-7.0), "-7.000000");
    check1("%f", flt(-1e-9), "-0.000000");
    check1("%g", flt(1234.5678e3), "1.2345678e+06");
    check1("%g", flt(1234.5678e-8), "1.2345678e-05");
    check1("%g", flt(-7.0), "-7");
    check1("%g", flt(-1e-9), "-1e-09");
    check1("%E", flt(1234.5678e3), "1.234568E+06");
    check1("%G", flt(1234.5678e3), "1.2345678E+06");
    check1("%G", flt(-1e-9), "-1E-09");
    check1("%20.6e", flt(1.2345e3), "        1.234500e+03");
    check1("%20.6e", flt(1.2345e-3), "        1.234500e-03");
    check1("%20e", flt(1.2345e3), "        1.234500e+03");
    check1("%20.8e", flt(1.2345e3), "      1.23450000e+03");
    check1("%20f", flt(1.23456789e3), "         1234.567890");
    check1("%20f", flt(1.23456789e-3), "            0.001235");
    check1("%20f", flt(12345678901.23456789), "  12345678901.234568");
    check1("%-20f", flt(1.23456789e3), "1234.567890         ");
    check1("%20.8f", flt(1.23456789e3), "       1234.56789000");
    check1("%20.8f", flt(1.23456789e-3), "          0.00123457");
    check1("%g", flt(1.23456789e3), "1234.56789");
    check1("%g", flt(1.23456789e-3), "0.00123456789");
    check1("%g", flt(1.23456789e20), "1.23456789e+20");
    check1("%.3g", flt(1234.0), "1.23e+03");
    check1("%.3g", flt(123.0), "123");
    check1("%.3g", flt(0.0001234), "0.000123");
    check1("%.3g", flt(100.0), "100");
    check1("%.0f", flt(0.5), "0");
    check1("%.0f", flt(1.5), "2");
    check1("%.0f", flt(2.5), "2");
    check1("%.1f", flt(0.25), "0.2");
    check1("%.0e", flt(2.5), "2e+00");
    check1("%5.1f", flt(-0.0), " -0.0");
    check1("%d", flt(1.5), "%!d(float64=1.5)");
    check1("%s", flt(1.5), "%!s(float64=1.5)");
    check1("%e", flt(1e100), "1.000000e+100");
    check1("%g", flt(1e-100), "1e-100");
}

#[test]
fn floats_with_sharp() {
    check1("%#g", flt(1e-323), "1.00000e-323");
    check1("%#g", flt(-1.0), "-1.00000");
    check1("%#g", flt(1.1), "1.10000");
    check1("%#g", flt(123456.0), "123456.");
    check1("%#g", flt(1234567.0), "1.234567e+06");
    check1("%#g", flt(1230000.0), "1.23000e+06");
    check1("%#g", flt(1000000.0), "1.00000e+06");
    check1("%#.0f", flt(1.0), "1.");
    check1("%#.0e", flt(1.0), "1.e+00");
    check1("%#.0x", flt(1.0), "0x1.p+00");
    check1("%#.0g", flt(1.0), "1.");
    check1("%#.0g", flt(1100000.0), "1.e+06");
    check1("%#.4f", flt(1.0), "1.0000");
    check1("%#.4e", flt(1.0), "1.0000e+00");
    check1("%#.4x", flt(1.0), "0x1.0000p+00");
    check1("%#.4g", flt(1.0), "1.000");
    check1("%#.4g", flt(100000.0), "1.000e+05");
    check1("%#.4g", flt(1.234), "1.234");
    check1("%#.4g", flt(0.1234), "0.1234");
    check1("%#.4g", flt(1.23), "1.230");
    check1("%#.4g", flt(0.123), "0.1230");
    check1("%#.4g", flt(1.2), "1.200");
    check1("%#.4g", flt(0.12), "0.1200");
    check1("%#.4g", flt(10.2), "10.20");
    check1("%#.4g", flt(0.0), "0.000");
    check1("%#.4g", flt(0.012), "0.01200");
    check1("%#.0f", flt(123.0), "123.");
    check1("%#.0e", flt(123.0), "1.e+02");
    check1("%#.0x", flt(123.0), "0x1.p+07");
    check1("%#.0g", flt(123.0), "1.e+02");
    check1("%#.4f", flt(123.0), "123.0000");
    check1("%#.4e", flt(123.0), "1.2300e+02");
    check1("%#.4x", flt(123.0), "0x1.ec00p+06");
    check1("%#.4g", flt(123.0), "123.0");
    check1("%#.4g", flt(123000.0), "1.230e+05");
    check1("%#9.4g", flt(1.0), "    1.000");
}

#[test]
fn float_infinities_and_nan() {
    let inf = f64::INFINITY;
    let nan = f64::NAN;
    check1("%f", flt(inf), "+Inf");
    check1("%.1f", flt(-inf), "-Inf");
    check1("% f", flt(nan), " NaN");
    check1("%20f", flt(inf), "                +Inf");
    check1("% 20F", flt(inf), "                 Inf");
    check1("% 20e", flt(-inf), "                -Inf");
    check1("% 20x", flt(-inf), "                -Inf");
    check1("%+20E", flt(-inf), "                -Inf");
    check1("% +20g", flt(-inf), "                -Inf");
    check1("%+-20G", flt(inf), "+Inf                ");
    check1("%20e", flt(nan), "                 NaN");
    check1("% +20E", flt(nan), "                +NaN");
    check1("% -20g", flt(nan), " NaN                ");
    check1("%+-20G", flt(nan), "+NaN                ");
    check1("%+020e", flt(inf), "                +Inf");
    check1("%-020f", flt(-inf), "-Inf                ");
    check1("%-020E", flt(nan), "NaN                 ");
}

#[test]
fn c_printf_padding_rules() {
    let cases = [
        ("%.2f", "1.00", "-1.00"),
        ("% .2f", " 1.00", "-1.00"),
        ("%+.2f", "+1.00", "-1.00"),
        ("%7.2f", "   1.00", "  -1.00"),
        ("% 7.2f", "   1.00", "  -1.00"),
        ("%+7.2f", "  +1.00", "  -1.00"),
        ("% +7.2f", "  +1.00", "  -1.00"),
        ("%07.2f", "0001.00", "-001.00"),
        ("% 07.2f", " 001.00", "-001.00"),
        ("%+07.2f", "+001.00", "-001.00"),
        ("% +07.2f", "+001.00", "-001.00"),
    ];
    for (format, pos, neg) in cases {
        check1(format, flt(1.0), pos);
        check1(format, flt(-1.0), neg);
    }
    check1("%-05.1f", flt(1.0), "1.0  ");
}

#[test]
fn lists() {
    check1(
        "%v",
        list(vec![int(1), st("hello"), flt(2.5), Value::Nil]),
        "[1 hello 2.5 <nil>]",
    );
    check1("%v", list(vec![st("a"), st("b")]), "[a b]");
    check1("%v", list(vec![]), "[]");
    check1(
        "%#v",
        list(vec![st("a"), int(1)]),
        "[]interface {}{\"a\", 1}",
    );
    check1(
        "%#v",
        list(vec![int(1), st("hello"), flt(2.5), Value::Nil]),
        "[]interface {}{1, \"hello\", 2.5, interface {}(nil)}",
    );
    let strings = typed_list(GoType::String, vec![st("a"), st("b")]);
    check1("%#v", strings.clone(), "[]string{\"a\", \"b\"}");
    check1("%q", strings.clone(), "[\"a\" \"b\"]");
    check1("%x", strings.clone(), "[61 62]");
    check1("%T", strings, "[]string");
    let ints = typed_list(GoType::Int(IntKind::Int), vec![int(1), int(2), int(15)]);
    check1("%#x", ints.clone(), "[0x1 0x2 0xf]");
    check1("%x", ints.clone(), "[1 2 f]");
    check1("%d", ints.clone(), "[1 2 15]");
    check1(
        "%#v",
        typed_list(GoType::Int(IntKind::Int), vec![]),
        "[]int{}",
    );
    check1("%5.1f", list(vec![flt(1.0), flt(22.25)]), "[  1.0  22.2]");
    check1("%06v", list(vec![flt(10.0), int(10)]), "[000010 000010]");
    check1("%06v", list(vec![flt(-10.0), int(10)]), "[-00010 000010]");
    check1(
        "%03.6v",
        list(vec![int(1), flt(2.0), st("x")]),
        "[000001 002 00x]",
    );
    check1(
        "%03.0v",
        list(vec![int(0), flt(2.0), st("x")]),
        "[    002 000]",
    );
    check1("%d", list(vec![int(1), Value::Nil]), "[1 <nil>]");
    check1("%s", list(vec![int(5)]), "[%!s(int=5)]");
    check1("%T", list(vec![]), "[]interface {}");
    // Nested byte slices print as []uint8 below the top level.
    check1("%v", list(vec![bytes(b"hi")]), "[[104 105]]");
    check1("%s", list(vec![bytes(b"hi")]), "[hi]");
    check1(
        "%#v",
        list(vec![bytes(b"hi")]),
        "[]interface {}{[]uint8{0x68, 0x69}}",
    );
    // A []uint8 list prints as bytes under string verbs.
    let u8s = typed_list(
        GoType::Uint(UintKind::Uint8),
        vec![uint_of(104, UintKind::Uint8), uint_of(105, UintKind::Uint8)],
    );
    check1("%s", u8s.clone(), "hi");
    check1("%x", u8s.clone(), "6869");
    check1("%v", u8s.clone(), "[104 105]");
    check1("%#v", u8s, "[]uint8{0x68, 0x69}");
    check1(
        "%v",
        list(vec![list(vec![int(1)]), map(&[("a", int(1))])]),
        "[[1] map[a:1]]",
    );
}

#[test]
fn maps() {
    let m = map(&[("b", int(2)), ("a", int(1))]);
    check1("%v", m.clone(), "map[a:1 b:2]");
    check1("%+v", m.clone(), "map[a:1 b:2]");
    check1(
        "%#v",
        m.clone(),
        "map[string]interface {}{\"a\":1, \"b\":2}",
    );
    check1("%d", m.clone(), "map[%!d(string=a):1 %!d(string=b):2]");
    check1("%x", map(&[("a", int(255))]), "map[61:ff]");
    check1("%T", m, "map[string]interface {}");
    check1("%v", map(&[]), "map[]");
    check1("%#v", map(&[]), "map[string]interface {}{}");
    check1("%v", map(&[("k", Value::Nil)]), "map[k:<nil>]");
    check1(
        "%#v",
        map(&[("k", Value::Nil)]),
        "map[string]interface {}{\"k\":interface {}(nil)}",
    );
    check1("%v", map(&[("k", list(vec![st("x")]))]), "map[k:[x]]");
    let named = typed_map(MapType::named("chartutil.Values"), &[("a", int(1))]);
    check1("%v", named.clone(), "map[a:1]");
    check1("%#v", named.clone(), "chartutil.Values{\"a\":1}");
    check1("%T", named, "chartutil.Values");
    let ints = typed_map(
        MapType {
            name: None,
            elem: GoType::Int(IntKind::Int),
        },
        &[("a", int(1))],
    );
    check1("%#v", ints.clone(), "map[string]int{\"a\":1}");
    check1("%T", ints, "map[string]int");
    assert_eq!(sprint(&[map(&[("x", flt(1e6))])]), "map[x:1e+06]");
}

#[test]
fn objects() {
    check1("%v", person(), "{x 1}");
    check1("%+v", person(), "{Name:x Age:1}");
    check1("%#v", person(), "main.T{Name:\"x\", Age:1}");
    check1("%v", person_ptr(), "&{x 1}");
    check1("%+v", person_ptr(), "&{Name:x Age:1}");
    check1("%#v", person_ptr(), "&main.T{Name:\"x\", Age:1}");
    check1("%d", person(), "{%!d(string=x) 1}");
    check1("%T", person(), "main.T");
    check1("%T", person_ptr(), "*main.T");
    check1("%s", person_ptr(), "&{x %!s(int=1)}");
    // Nested pointers print as addresses; nested structs as themselves.
    let outer = object(
        "main.O",
        false,
        vec![("P", person_ptr()), ("S", person())],
        None,
    );
    check1("%v", outer.clone(), "{0xc000000000 {x 1}}");
    check1("%+v", outer.clone(), "{P:0xc000000000 S:{Name:x Age:1}}");
    check1(
        "%#v",
        outer,
        "main.O{P:(*main.T)(0xc000000000), S:main.T{Name:\"x\", Age:1}}",
    );
    check1("%v", list(vec![person_ptr()]), "[0xc000000000]");
    check1(
        "%v",
        object("main.N", false, vec![("F", Value::Nil)], None),
        "{<nil>}",
    );
    check1(
        "%#v",
        object("main.N", false, vec![("F", Value::Nil)], None),
        "main.N{F:interface {}(nil)}",
    );
    // Nil pointers.
    check1("%v", nil_pointer("*main.T"), "<nil>");
    check1("%#v", nil_pointer("*main.T"), "(*main.T)(nil)");
    check1("%s", nil_pointer("*main.T"), "%!s(*main.T=<nil>)");
    check1("%8.2v", nil_pointer("*main.T"), "   <nil>");
    check1("%p", nil_pointer("*main.T"), "0x0");
    check1("%#p", nil_pointer("*main.T"), "0");
    check1("%p", person_ptr(), "0xc000000000");
    check1("%p", int(27), "%!p(int=27)");
    check1("%p", Value::Nil, "%!p(<nil>)");
    check1("%p", person(), "%!p(main.T={x 1})");
}

#[test]
fn stringers() {
    check1("%v", stringer(), "<23>");
    check1("%s", stringer(), "<23>");
    check1("%q", stringer(), "\"<23>\"");
    check1("%x", stringer(), "3c32333e");
    check1("%#x", stringer(), "0x3c32333e");
    check1("%# x", stringer(), "0x3c 0x32 0x33 0x3e");
    check1("%10v", stringer(), "      <23>");
    // Stringer applies only to the string verbs, and not to %#v.
    check1("%d", stringer(), "{23}");
    check1("%#v", stringer(), "main.I{V:23}");
    check1(
        "%+v",
        object(
            "main.B",
            false,
            vec![("I", stringer()), ("j", int(2))],
            None,
        ),
        "{I:<23> j:2}",
    );
    check1("%v", list(vec![stringer(), stringer()]), "[<23> <23>]");
    check1("%v", map(&[("s", stringer())]), "map[s:<23>]");
    check1("%t", stringer(), "{%!t(int=23)}");
    let ptr = object("*main.P", true, vec![("X", int(1))], Some("String(p)"));
    // Bad verb reports print the value without its String method, from the top.
    check1("%t", list(vec![ptr.clone()]), "[%!t(*main.P=&{1})]");
    check1("%s", ptr.clone(), "String(p)");
    check1("%v", ptr.clone(), "String(p)");
    check1("%d", ptr.clone(), "&{1}");
    check1("%p", ptr, "0xc000000000");
}

#[test]
fn type_verb() {
    check1("%T", uint_of(0, UintKind::Uint8), "uint8");
    check1("%T", int(0), "int");
    check1("%T", int64_(0), "int64");
    check1("%T", st(""), "string");
    check1("%T", Value::Bool(true), "bool");
    check1("%T", Value::Nil, "<nil>");
    check1("%10T", Value::Nil, "     <nil>");
    check1("%-10T", Value::Nil, "<nil>     ");
    check1("%6T", person_ptr(), "*main.T");
    check1("%9T", person_ptr(), "  *main.T");
}

#[test]
fn bad_verbs_and_nil() {
    check1("%d", st("hi"), "%!d(string=hi)");
    check1("%e", int(5), "%!e(int=5)");
    check1("%s", int(5), "%!s(int=5)");
    check1("%d", Value::Bool(true), "%!d(bool=true)");
    check1("%☠", Value::Nil, "%!☠(<nil>)");
    check1("%☠", int(0), "%!☠(int=0)");
    check1("%☠", uint(0), "%!☠(uint=0)");
    check1("%☠", bytes(&[0, 1]), "[%!☠(uint8=0) %!☠(uint8=1)]");
    check1("%☠", st("hello"), "%!☠(string=hello)");
    check1("%☠", flt(1.2345678), "%!☠(float64=1.2345678)");
    check1("%☠", list(vec![int(1)]), "[%!☠(int=1)]");
    check1("%d", Value::Nil, "%!d(<nil>)");
    check1("%#v", Value::Nil, "<nil>");
    check1("%v", Value::Nil, "<nil>");
    check(
        "%s %s %s",
        &[Value::Nil, nil_pointer("*main.A"), Value::Nil],
        "%!s(<nil>) %!s(*main.A=<nil>) %!s(<nil>)",
    );
    check1("%w", int(1), "%!w(int=1)");
    check1(
        "%w",
        map(&[("a", int(1))]),
        "%!w(map[string]interface {}=map[a:1])",
    );
}

#[test]
fn format_errors() {
    check("", &[Value::Nil], "%!(EXTRA <nil>)");
    check("", &[int(2)], "%!(EXTRA int=2)");
    check("no args", &[st("hello")], "no args%!(EXTRA string=hello)");
    check(
        "%d",
        &[int(1), st("x"), int(1)],
        "1%!(EXTRA string=x, int=1)",
    );
    check("%s %", &[st("hello")], "hello %!(NOVERB)");
    check("%s %.2", &[st("hello")], "hello %!(NOVERB)");
    check(
        "%017091901790959340919092959340919017929593813360",
        &[int(0)],
        "%!(NOVERB)%!(EXTRA int=0)",
    );
    check(
        "%184467440737095516170v",
        &[int(0)],
        "%!(NOVERB)%!(EXTRA int=0)",
    );
    check("%010.2", &[st("12345")], "%!(NOVERB)%!(EXTRA string=12345)");
    check("%.", &[int(3)], "%!.(int=3)");
    check("%d", &[], "%!d(MISSING)");
    check("%d %d", &[int(1)], "1 %!d(MISSING)");
    check("%!", &[], "%!!(MISSING)");
    check("%", &[], "%!(NOVERB)");
    check("%v", &[stringer(), int(1)], "<23>%!(EXTRA int=1)");
    check("", &[stringer()], "%!(EXTRA main.I=<23>)");
}

#[test]
fn argument_indexes() {
    check("%[1]d", &[int(1)], "1");
    check("%[2]d", &[int(2), int(1)], "1");
    check("%[2]d %[1]d", &[int(1), int(2)], "2 1");
    check("%[2]*[1]d", &[int(2), int(5)], "    2");
    check("%6.2f", &[flt(12.0)], " 12.00");
    check("%[3]*.[2]*[1]f", &[flt(12.0), int(2), int(6)], " 12.00");
    check("%[1]*.[2]*[3]f", &[int(6), int(2), flt(12.0)], " 12.00");
    check("%10f", &[flt(12.0)], " 12.000000");
    check("%[1]*[3]f", &[int(10), int(99), flt(12.0)], " 12.000000");
    check("%.6f", &[flt(12.0)], "12.000000");
    check("%.[1]*[3]f", &[int(6), int(99), flt(12.0)], "12.000000");
    check("%6.f", &[flt(12.0)], "    12");
    check("%[1]*.[3]f", &[int(6), int(3), flt(12.0)], "    12");
    check(
        "%d %d %d %#[1]o %#o %#o",
        &[int(11), int(12), int(13)],
        "11 12 13 013 014 015",
    );
    check("%[d", &[int(2), int(1)], "%!d(BADINDEX)");
    check("%]d", &[int(2), int(1)], "%!](int=2)d%!(EXTRA int=1)");
    check("%[]d", &[int(2), int(1)], "%!d(BADINDEX)");
    check("%[-3]d", &[int(2), int(1)], "%!d(BADINDEX)");
    check("%[99]d", &[int(2), int(1)], "%!d(BADINDEX)");
    check("%[3]", &[int(2), int(1)], "%!(NOVERB)");
    check("%[1].2d", &[int(5), int(6)], "%!d(BADINDEX)");
    check("%[1]2d", &[int(2), int(1)], "%!d(BADINDEX)");
    check("%3.[2]d", &[int(7)], "%!d(BADINDEX)");
    check("%.[2]d", &[int(7)], "%!d(BADINDEX)");
    check(
        "%d %d %d %#[1]o %#o %#o %#o",
        &[int(11), int(12), int(13)],
        "11 12 13 013 014 015 %!o(MISSING)",
    );
    check(
        "%[5]d %[2]d %d",
        &[int(1), int(2), int(3)],
        "%!d(BADINDEX) 2 3",
    );
    check("%d %[3]d %d", &[int(1), int(2)], "1 %!d(BADINDEX) 2");
    check("%.[]", &[], "%!](BADINDEX)");
    check("%.-3d", &[int(42)], "%!-(int=42)3d");
    check("%2147483648d", &[int(42)], "%!(NOVERB)%!(EXTRA int=42)");
    check("%-2147483648d", &[int(42)], "%!(NOVERB)%!(EXTRA int=42)");
    check("%.2147483648d", &[int(42)], "%!(NOVERB)%!(EXTRA int=42)");
    // Reordered formats do not report extra arguments.
    check("%[1]d", &[int(1), int(2)], "1");
}

#[test]
fn star_width_and_precision() {
    check("%*d", &[int(4), int(42)], "  42");
    check("%-*d", &[int(4), int(42)], "42  ");
    check("%*d", &[int(-4), int(42)], "42  ");
    check("%-*d", &[int(-4), int(42)], "42  ");
    check("%.*d", &[int(4), int(42)], "0042");
    check("%*.*d", &[int(8), int(4), int(42)], "    0042");
    check("%0*d", &[int(4), int(42)], "0042");
    check("%0*d", &[uint(4), int(42)], "0042");
    check("%0*d", &[uint_of(4, UintKind::Uint64), int(42)], "0042");
    check("%0*d", &[rune(4), int(42)], "0042");
    check("%0*d", &[uint_of(4, UintKind::Uintptr), int(42)], "0042");
    check("%*d", &[Value::Nil, int(42)], "%!(BADWIDTH)42");
    check("%*d", &[int(10_000_000), int(42)], "%!(BADWIDTH)42");
    check("%*d", &[int(-10_000_000), int(42)], "%!(BADWIDTH)42");
    check("%*d", &[flt(4.0), int(42)], "%!(BADWIDTH)42");
    check("%.*d", &[Value::Nil, int(42)], "%!(BADPREC)42");
    check("%.*d", &[int(-1), int(42)], "%!(BADPREC)42");
    check("%.*d", &[int(10_000_000), int(42)], "%!(BADPREC)42");
    check("%.*d", &[uint(10_000_000), int(42)], "%!(BADPREC)42");
    check(
        "%.*d",
        &[uint_of(1 << 63, UintKind::Uint64), int(42)],
        "%!(BADPREC)42",
    );
    check(
        "%.*d",
        &[uint_of(u64::MAX, UintKind::Uint64), int(42)],
        "%!(BADPREC)42",
    );
    check("%*d", &[int(5), st("foo")], "%!d(string=  foo)");
    check("%*% %d", &[int(20), int(5)], "% 5");
    check("%*", &[int(4)], "%!(NOVERB)");
    check("%-*s|", &[int(6), st("ab")], "ab    |");
}

#[test]
fn sprint_spacing() {
    let args = [st("<"), int(1), st(">:"), int(1), int(2), int(3), st("!")];
    assert_eq!(sprint(&args), "<1>:1 2 3!");
    assert_eq!(sprintln(&args), "< 1 >: 1 2 3 !\n");
    assert_eq!(sprint(&[st("a"), st("b")]), "ab");
    assert_eq!(sprint(&[int(1), int(2)]), "1 2");
    assert_eq!(sprint(&[Value::Nil, Value::Nil]), "<nil> <nil>");
    assert_eq!(sprint(&[st("x"), Value::Nil]), "x<nil>");
    assert_eq!(sprint(&[bytes(b"a"), bytes(b"b")]), "[97] [98]");
    assert_eq!(sprint(&[]), "");
    assert_eq!(sprintln(&[]), "\n");
    assert_eq!(sprintln(&[st("a"), st("b")]), "a b\n");
    assert_eq!(sprint(&[stringer(), stringer()]), "<23> <23>");
    assert_eq!(sprint(&[list(vec![int(1), int(2), int(3)])]), "[1 2 3]");
    assert_eq!(sprint(&[person_ptr()]), "&{x 1}");
}

#[test]
fn template_values() {
    assert_eq!(format_value(&st("hi")), "hi");
    assert_eq!(format_value(&int(3)), "3");
    assert_eq!(format_value(&flt(1e6)), "1e+06");
    assert_eq!(format_value(&flt(2.5)), "2.5");
    assert_eq!(format_value(&Value::Bool(true)), "true");
    assert_eq!(format_value(&Value::Nil), "<no value>");
    assert_eq!(format_value(&list(vec![st("a"), Value::Nil])), "[a <nil>]");
    assert_eq!(format_value(&map(&[("a", int(1))])), "map[a:1]");
    assert_eq!(format_value(&bytes(b"hi")), "[104 105]");
    // A pointer to a struct prints as the struct; String methods still win.
    assert_eq!(format_value(&person_ptr()), "{x 1}");
    assert_eq!(format_value(&person()), "{x 1}");
    assert_eq!(format_value(&stringer()), "<23>");
    let ptr = object("*main.P", true, vec![("X", int(1))], Some("String(p)"));
    assert_eq!(format_value(&ptr), "String(p)");
    assert_eq!(format_value(&nil_pointer("*main.T")), "<nil>");

    assert_eq!(eval_args(&[st("<a>")]), "<a>");
    assert_eq!(eval_args(&[Value::Nil]), "<no value>");
    assert_eq!(eval_args(&[st("a"), int(1), int(2)]), "a1 2");
    assert_eq!(eval_args(&[Value::Nil, Value::Nil]), "<no value><no value>");
    assert_eq!(eval_args(&[person_ptr(), int(1)]), "{x 1} 1");
    assert_eq!(html_escape(&eval_args(&[Value::Nil])), "&lt;no value&gt;");
}

#[test]
fn html_escaping() {
    assert_eq!(html_escape(""), "");
    assert_eq!(html_escape("plain"), "plain");
    assert_eq!(
        html_escape("a\0b\"c'd&e<f>g"),
        "a\u{fffd}b&#34;c&#39;d&amp;e&lt;f&gt;g"
    );
    assert_eq!(
        html_escape("<script>alert('x')</script>"),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    );
    assert_eq!(html_escape("日本"), "日本");
}

#[test]
fn js_escaping() {
    assert_eq!(js_escape("plain"), "plain");
    assert_eq!(js_escape("a\\b'c\"d"), "a\\\\b\\'c\\\"d");
    assert_eq!(js_escape("<>&="), "\\u003C\\u003E\\u0026\\u003D");
    assert_eq!(js_escape("\n\t\u{1}\u{1f}"), "\\u000A\\u0009\\u0001\\u001F");
    assert_eq!(js_escape("\u{7f}"), "\u{7f}");
    assert_eq!(js_escape("日本語☺"), "日本語☺");
    assert_eq!(js_escape("\u{2028}\u{feff}\u{a0}"), "\\u2028\\uFEFF\\u00A0");
    assert_eq!(js_escape("\u{e0001}"), "\\uE0001");
    assert_eq!(
        js_escape("x = \"<b>\";"),
        "x \\u003D \\\"\\u003Cb\\u003E\\\";"
    );
}

#[test]
fn url_escaping() {
    assert_eq!(url_query_escape(""), "");
    assert_eq!(url_query_escape("abc-_.~XYZ019"), "abc-_.~XYZ019");
    assert_eq!(url_query_escape("a b"), "a+b");
    assert_eq!(
        url_query_escape("a+b&c=d/e?f#g"),
        "a%2Bb%26c%3Dd%2Fe%3Ff%23g"
    );
    assert_eq!(
        url_query_escape("$,:;@!*'()"),
        "%24%2C%3A%3B%40%21%2A%27%28%29"
    );
    assert_eq!(url_query_escape("日"), "%E6%97%A5");
    assert_eq!(url_query_escape("100%"), "100%25");
}

#[test]
fn strconv_format_float() {
    let cases: &[(f64, u8, i32, &str)] = &[
        (1.0, b'e', 5, "1.00000e+00"),
        (1.0, b'f', 5, "1.00000"),
        (1.0, b'g', 5, "1"),
        (1.0, b'g', -1, "1"),
        (20.0, b'g', -1, "20"),
        (1234567.8, b'g', -1, "1.2345678e+06"),
        (200000.0, b'g', -1, "200000"),
        (2000000.0, b'g', -1, "2e+06"),
        (1e10, b'g', -1, "1e+10"),
        (400.0, b'g', 2, "4e+02"),
        (40.0, b'g', 2, "40"),
        (4.0, b'g', 2, "4"),
        (0.4, b'g', 2, "0.4"),
        (0.04, b'g', 2, "0.04"),
        (0.004, b'g', 2, "0.004"),
        (0.0004, b'g', 2, "0.0004"),
        (0.00004, b'g', 2, "4e-05"),
        (0.000004, b'g', 2, "4e-06"),
        (0.0, b'e', 5, "0.00000e+00"),
        (0.0, b'f', 5, "0.00000"),
        (0.0, b'g', 5, "0"),
        (0.0, b'g', -1, "0"),
        (-1.0, b'e', 5, "-1.00000e+00"),
        (-1.0, b'g', -1, "-1"),
        (12.0, b'e', 5, "1.20000e+01"),
        (123456700.0, b'e', 5, "1.23457e+08"),
        (1.2345e6, b'e', 5, "1.23450e+06"),
        (1e23, b'e', 17, "9.99999999999999916e+22"),
        (1e23, b'f', 17, "99999999999999991611392.00000000000000000"),
        (1e23, b'g', 17, "9.9999999999999992e+22"),
        (1e23, b'e', -1, "1e+23"),
        (1e23, b'f', -1, "100000000000000000000000"),
        (1e23, b'g', -1, "1e+23"),
        (100.0, b'x', -1, "0x1.9p+06"),
        (100.0, b'y', -1, "%y"),
        (32.0, b'g', -1, "32"),
        (32.0, b'g', 0, "3e+01"),
        (100.0, b'g', 0, "1e+02"),
        (1e-4, b'f', -1, "0.0001"),
        (0.5, b'f', 0, "0"),
        (1.5, b'f', 0, "2"),
        (1e-6, b'g', -1, "1e-06"),
        (-0.0, b'f', 2, "-0.00"),
        (-0.0, b'e', -1, "-0e+00"),
        (1.0, b'b', -1, "4503599627370496p-52"),
        (5e-324, b'b', -1, "1p-1074"),
        (1.0, b'x', 0, "0x1p+00"),
        (3.0, b'x', 0, "0x1p+02"),
        (1.0, b'x', 4, "0x1.0000p+00"),
        (-1.0, b'X', -1, "-0X1P+00"),
        (0.0, b'x', -1, "0x0p+00"),
        (f64::MAX, b'x', -1, "0x1.fffffffffffffp+1023"),
        (f64::NAN, b'g', -1, "NaN"),
        (f64::INFINITY, b'e', 3, "+Inf"),
        (f64::NEG_INFINITY, b'f', 3, "-Inf"),
    ];
    for &(v, fmt, prec, want) in cases {
        assert_eq!(
            format_float(v, fmt, prec),
            want,
            "FormatFloat({v:?}, {:?}, {prec})",
            fmt as char
        );
    }
}

#[test]
fn strconv_quoting() {
    assert_eq!(
        quote("\u{7}\u{8}\u{c}\r\n\t\u{b}"),
        "\"\\a\\b\\f\\r\\n\\t\\v\""
    );
    assert_eq!(quote("\\"), "\"\\\\\"");
    assert_eq!(quote("abc\u{ff}def"), "\"abc\u{ff}def\"");
    assert_eq!(quote_to_ascii("abc\u{ff}def"), "\"abc\\u00ffdef\"");
    assert_eq!(quote("\u{263a}"), "\"☺\"");
    assert_eq!(quote_to_ascii("\u{263a}"), "\"\\u263a\"");
    assert_eq!(quote("\u{10ffff}"), "\"\\U0010ffff\"");
    assert_eq!(quote("\u{4}"), "\"\\x04\"");
    assert_eq!(
        quote("!\u{00a0}!\u{2000}!\u{3000}!"),
        "\"!\\u00a0!\\u2000!\\u3000!\""
    );
    assert_eq!(quote("\u{7f}"), "\"\\x7f\"");
    assert_eq!(quote_rune('a' as u64, false), "'a'");
    assert_eq!(quote_rune(0x7, false), "'\\a'");
    assert_eq!(quote_rune('\\' as u64, false), "'\\\\'");
    assert_eq!(quote_rune(0x263a, false), "'☺'");
    assert_eq!(quote_rune(0x263a, true), "'\\u263a'");
    assert_eq!(quote_rune(0xfffd, false), "'\u{fffd}'");
    assert_eq!(quote_rune(0x0010ffff, false), "'\\U0010ffff'");
    assert_eq!(quote_rune(0x0010ffff + 1, false), "'\u{fffd}'");
    assert_eq!(quote_rune(0x04, false), "'\\x04'");
    assert!(can_backquote(b"abc"));
    assert!(can_backquote(b"\t"));
    assert!(!can_backquote(b"\n"));
    assert!(!can_backquote(b"`"));
    assert!(!can_backquote(b"\x7f"));
    assert!(!can_backquote(b"\xff"));
    assert!(!can_backquote("\u{feff}".as_bytes()));
    assert!(can_backquote("日本語".as_bytes()));
}

#[test]
fn printable_runes() {
    for r in [
        0x20u32, 0x7e, 0xa1, 0xff, 0x263a, 0x65e5, 0x1F600, 0x1D6C2, 0xfffd, 0x31350, 0x11F00,
    ] {
        assert!(is_print(r), "U+{r:04X} should be printable");
    }
    for r in [
        0x0u32, 0x1f, 0x7f, 0x80, 0x9f, 0xa0, 0xad, 0x2028, 0x2000, 0x3000, 0xfeff, 0xe00,
        0x10ffff, 0xd800, 0xe000, 0x110000,
    ] {
        assert!(!is_print(r), "U+{r:04X} should not be printable");
    }
}
