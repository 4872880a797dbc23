//! Fuzzes the template engine end to end: any text is parsed, and what parses is
//! executed against data of every value kind. Errors are fine; panics, stack
//! overflows and hangs are not (a step limit bounds loops, as berth's renders do).
#![no_main]

use std::collections::BTreeMap;

use gotmpl::{MissingKey, Templates, Value};
use libfuzzer_sys::fuzz_target;

fn data() -> Value {
    let mut inner = BTreeMap::new();
    inner.insert("n".to_string(), Value::Float(1e6));
    inner.insert("s".to_string(), Value::string("x"));
    inner.insert("z".to_string(), Value::Nil);
    inner.insert("l".to_string(), Value::list(vec![Value::int(1), Value::string("a"), Value::Nil]));
    let mut root = BTreeMap::new();
    root.insert("Values".to_string(), Value::map(inner));
    root.insert("b".to_string(), Value::Bytes(b"hi".as_slice().into()));
    Value::map(root)
}

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let mut templates = Templates::new("fuzz");
    templates.set_step_limit(Some(20_000));
    templates.set_missing_key(match mode % 3 {
        0 => MissingKey::Default,
        1 => MissingKey::Zero,
        _ => MissingKey::Error,
    });
    if templates.parse("t", &text).is_err() {
        return;
    }
    let data = data();
    for name in templates.names().into_iter().map(str::to_string).collect::<Vec<_>>() {
        let _ = templates.execute(&name, &data);
    }
});
