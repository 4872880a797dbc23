//! Splitting YAML streams the two ways Helm does: apimachinery's
//! `YAMLReader` (helm 4 values files: `---` lines, only a comment may follow)
//! and Helm's `SplitManifests` regex `(?:^|\s*\n)---\s*` for rendered output.

use std::borrow::Cow;

use crate::error::ValuesError;

/// apimachinery `YAMLReader.Read` until EOF: the documents of `input`, each
/// with its lines ending in `\n` (CRLF read as LF); a document that is the
/// input as it is is borrowed.
pub fn yaml_reader_documents(input: &str) -> Result<Vec<Cow<'_, str>>, ValuesError> {
    // Without separators or carriage returns the one document is the input
    // itself, with a final line break.
    if !input.is_empty()
        && !input.starts_with("---")
        && !input.contains("\n---")
        && !input.contains('\r')
    {
        if input.ends_with('\n') {
            return Ok(vec![Cow::Borrowed(input)]);
        }
        let mut doc = String::with_capacity(input.len() + 1);
        doc.push_str(input);
        doc.push('\n');
        return Ok(vec![Cow::Owned(doc)]);
    }
    let mut docs = Vec::new();
    let mut buffer = String::with_capacity(input.len() + 1);
    for raw in input.split_inclusive('\n') {
        let line = match raw.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => raw,
        };
        if let Some(after) = line.strip_prefix("---") {
            let trimmed = after.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(ValuesError::Separator(trimmed.to_string()));
            }
            if !buffer.is_empty() {
                docs.push(Cow::Owned(std::mem::take(&mut buffer)));
            }
            continue;
        }
        buffer.push_str(line);
        buffer.push('\n');
    }
    if !buffer.is_empty() {
        docs.push(Cow::Owned(buffer));
    }
    Ok(docs)
}

fn is_re_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Helm's `SplitManifests`, in order (the map keys `manifest-N` are the
/// positions): documents trimmed, empty pieces dropped.
pub fn split_manifests(big_file: &str) -> Vec<String> {
    let text = big_file.trim();
    let b = text.as_bytes();
    let mut pieces: Vec<&str> = Vec::new();
    let mut last = 0;
    let mut i = 0;
    if b.starts_with(b"---") {
        let mut end = 3;
        while end < b.len() && is_re_space(b[end]) {
            end += 1;
        }
        pieces.push("");
        last = end;
        i = end;
    }
    // Only a line break can start a separator: the text between breaks is
    // skipped with memchr.
    while let Some(at) = memchr::memchr(b'\n', &b[i..]) {
        i += at;
        if b[i + 1..].starts_with(b"---") {
            let mut start = i;
            while start > last && is_re_space(b[start - 1]) {
                start -= 1;
            }
            let mut end = i + 4;
            while end < b.len() && is_re_space(b[end]) {
                end += 1;
            }
            pieces.push(&text[last..start]);
            last = end;
            i = end;
            continue;
        }
        i += 1;
    }
    pieces.push(&text[last..]);
    pieces
        .into_iter()
        .filter(|d| !d.is_empty())
        .map(|d| d.trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests() {
        assert_eq!(
            split_manifests("---\na: 1\n---\nb: 2\n  \n---   \nc"),
            vec!["a: 1", "b: 2", "c"]
        );
        assert_eq!(split_manifests("a\n---foo"), vec!["a", "foo"]);
    }

    #[test]
    fn reader() {
        assert_eq!(
            yaml_reader_documents("a: 1\r\n---\nb: 2").ok(),
            Some(vec!["a: 1\n".into(), "b: 2\n".into()])
        );
        assert!(yaml_reader_documents("---x\n").is_err());
        assert_eq!(
            yaml_reader_documents("a: 1\nb").ok(),
            Some(vec!["a: 1\nb\n".into()])
        );
        assert_eq!(yaml_reader_documents("").ok(), Some(vec![]));
        assert_eq!(
            yaml_reader_documents("--- # c\na\n").ok(),
            Some(vec!["a\n".into()])
        );
    }
}
