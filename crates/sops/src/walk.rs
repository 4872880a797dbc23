//! Owns the tree walk shared by decryption and encryption: key paths (list
//! indexes excluded), the stack of comments seen at each level, and which
//! leaves the file's rule encrypts, in sops' document order.

use crate::error::{Error, Result};
use crate::metadata::Matcher;
use crate::tree::{Entry, Value};

/// What a walk does at each leaf: `encrypted` tells whether the rule covers it.
pub trait Leaf {
    fn leaf(
        &mut self,
        value: &mut Value,
        path: &[String],
        encrypted: bool,
        in_seq: bool,
    ) -> Result<()>;
}

/// Walks every document in order.
pub fn walk(branches: &mut [Vec<Entry>], matcher: &Matcher, visit: &mut dyn Leaf) -> Result<()> {
    for b in branches {
        let mut w = Walker {
            matcher,
            visit,
            path: Vec::new(),
            comments: Vec::new(),
        };
        w.branch(b)?;
    }
    Ok(())
}

struct Walker<'a> {
    matcher: &'a Matcher,
    visit: &'a mut dyn Leaf,
    path: Vec<String>,
    comments: Vec<Vec<String>>,
}

impl Walker<'_> {
    fn branch(&mut self, entries: &mut [Entry]) -> Result<()> {
        self.comments.push(Vec::new());
        for e in entries.iter_mut() {
            if let Value::Comment(c) = &e.key {
                self.top().push(c.clone());
                self.leaf(&mut e.key, false)?;
                if let Value::Str(s) = &e.key {
                    e.key = Value::Comment(s.clone());
                }
                continue;
            }
            let value_is_comment = matches!(e.value, Value::Comment(_));
            if let Value::Comment(c) = &e.value {
                self.top().push(c.clone());
            }
            let Value::Str(k) = &e.key else {
                return Err(Error::Tree(format!(
                    "Tree contains a non-string key ({}). Only string keys are supported",
                    crate::stores::scalar_text(&e.key)
                )));
            };
            self.path.push(k.clone());
            let r = self.value(&mut e.value, false);
            self.path.pop();
            r?;
            if !value_is_comment {
                self.top().clear();
            }
        }
        self.comments.pop();
        Ok(())
    }

    fn top(&mut self) -> &mut Vec<String> {
        if self.comments.is_empty() {
            self.comments.push(Vec::new());
        }
        let last = self.comments.len() - 1;
        &mut self.comments[last]
    }

    fn seq(&mut self, items: &mut [Value]) -> Result<()> {
        self.comments.push(Vec::new());
        for item in items.iter_mut() {
            let is_comment = matches!(item, Value::Comment(_));
            if let Value::Comment(c) = item {
                let c = c.clone();
                self.top().push(c);
            }
            self.value(item, true)?;
            if !is_comment {
                self.top().clear();
            }
        }
        self.comments.pop();
        Ok(())
    }

    fn value(&mut self, v: &mut Value, in_seq: bool) -> Result<()> {
        match v {
            Value::Map(m) => self.branch(m),
            Value::Seq(s) => self.seq(s),
            Value::Null => Ok(()),
            _ => self.leaf(v, in_seq),
        }
    }

    fn leaf(&mut self, v: &mut Value, in_seq: bool) -> Result<()> {
        let is_comment = matches!(v, Value::Comment(_));
        let encrypted = self
            .matcher
            .encrypts(&self.path, &self.comments, is_comment);
        self.visit.leaf(v, &self.path, encrypted, in_seq)
    }
}

/// The additional data of a value: its key path joined by `:` with a trailing `:`.
pub fn aad(path: &[String]) -> String {
    let mut s = path.join(":");
    s.push(':');
    s
}
