//! The YAML event parser: a port of libyaml's parser as go-yaml v2 carries it
//! (parserc.go), turning tokens into events with the same states, tag
//! resolution and error texts.

use crate::error::{Mark, Stage, SyntaxError};
use crate::reader;
use crate::scanner::{ScalarStyle, Scanner, TokenKind};

/// A parsing event.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum EventKind {
    StreamStart,
    StreamEnd,
    DocumentStart {
        implicit: bool,
    },
    DocumentEnd {
        implicit: bool,
    },
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        tag: String,
        value: String,
        plain_implicit: bool,
        quoted_implicit: bool,
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<String>,
        tag: String,
        implicit: bool,
        flow: bool,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        tag: String,
        implicit: bool,
        flow: bool,
    },
    MappingEnd,
}

#[derive(Clone, Debug)]
pub(crate) struct Event {
    pub kind: EventKind,
    pub start: Mark,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

type Res<T> = Result<T, SyntaxError>;

/// What the parser looks at before deciding to consume a token.
#[derive(Clone, Copy)]
struct Peeked {
    kind: TokenKind,
    start: Mark,
    end: Mark,
    version: (u32, u32),
}

pub(crate) struct Parser<'a> {
    scanner: Scanner<'a>,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(String, String)>,
    error: Option<SyntaxError>,
}

const DEFAULT_TAG_DIRECTIVES: [(&str, &str); 2] = [("!", "!"), ("!!", "tag:yaml.org,2002:")];

fn parser_error(problem: &str, problem_mark: Mark) -> SyntaxError {
    SyntaxError {
        stage: Stage::Parser,
        context: String::new(),
        context_mark: Mark::default(),
        problem: problem.to_string(),
        problem_mark,
    }
}

fn parser_error_context(
    context: &str,
    context_mark: Mark,
    problem: &str,
    problem_mark: Mark,
) -> SyntaxError {
    SyntaxError {
        stage: Stage::Parser,
        context: context.to_string(),
        context_mark,
        problem: problem.to_string(),
        problem_mark,
    }
}

impl<'a> Parser<'a> {
    pub fn new(bytes: &'a [u8]) -> Parser<'a> {
        Parser {
            scanner: Scanner::new(reader::decode(bytes)),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
            error: None,
        }
    }

    /// The next event; `Ok(None)` after the stream end.
    pub fn next_event(&mut self) -> Res<Option<Event>> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if self.scanner.stream_end_produced() || self.state == State::End {
            return Ok(None);
        }
        match self.state_machine() {
            Ok(ev) => Ok(Some(ev)),
            Err(e) => {
                self.error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// The next token's kind and marks (its text stays in the scanner).
    fn peek(&mut self) -> Res<Peeked> {
        let token = self.scanner.peek()?;
        Ok(Peeked {
            kind: token.kind,
            start: token.start,
            end: token.end,
            version: token.version,
        })
    }

    fn skip(&mut self) {
        self.scanner.take_token();
    }

    /// Consumes the peeked token and hands over its text and handle.
    fn take_text(&mut self) -> (String, String) {
        self.scanner
            .take_token()
            .map(|t| (t.text, t.handle))
            .unwrap_or_default()
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    fn state_machine(&mut self) -> Res<Event> {
        match self.state {
            State::StreamStart => self.parse_stream_start(),
            State::ImplicitDocumentStart => self.parse_document_start(true),
            State::DocumentStart => self.parse_document_start(false),
            State::DocumentContent => self.parse_document_content(),
            State::DocumentEnd => self.parse_document_end(),
            State::BlockNode => self.parse_node(true, false),
            State::BlockSequenceFirstEntry => self.parse_block_sequence_entry(true),
            State::BlockSequenceEntry => self.parse_block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.parse_indentless_sequence_entry(),
            State::BlockMappingFirstKey => self.parse_block_mapping_key(true),
            State::BlockMappingKey => self.parse_block_mapping_key(false),
            State::BlockMappingValue => self.parse_block_mapping_value(),
            State::FlowSequenceFirstEntry => self.parse_flow_sequence_entry(true),
            State::FlowSequenceEntry => self.parse_flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => self.parse_flow_sequence_entry_mapping_key(),
            State::FlowSequenceEntryMappingValue => self.parse_flow_sequence_entry_mapping_value(),
            State::FlowSequenceEntryMappingEnd => self.parse_flow_sequence_entry_mapping_end(),
            State::FlowMappingFirstKey => self.parse_flow_mapping_key(true),
            State::FlowMappingKey => self.parse_flow_mapping_key(false),
            State::FlowMappingValue => self.parse_flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.parse_flow_mapping_value(true),
            State::End => Err(parser_error("no more events", Mark::default())),
        }
    }

    fn parse_stream_start(&mut self) -> Res<Event> {
        let token = self.peek()?;
        if token.kind != TokenKind::StreamStart {
            return Err(parser_error(
                "did not find expected <stream-start>",
                token.start,
            ));
        }
        self.state = State::ImplicitDocumentStart;
        self.skip();
        Ok(Event {
            kind: EventKind::StreamStart,
            start: token.start,
        })
    }

    fn parse_document_start(&mut self, implicit: bool) -> Res<Event> {
        let mut token = self.peek()?;
        if !implicit {
            while token.kind == TokenKind::DocumentEnd {
                self.skip();
                token = self.peek()?;
            }
        }
        let is_directive = matches!(
            token.kind,
            TokenKind::VersionDirective | TokenKind::TagDirective
        );
        if implicit
            && !is_directive
            && token.kind != TokenKind::DocumentStart
            && token.kind != TokenKind::StreamEnd
        {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            Ok(Event {
                kind: EventKind::DocumentStart { implicit: true },
                start: token.start,
            })
        } else if token.kind != TokenKind::StreamEnd {
            let start = token.start;
            self.process_directives()?;
            let token = self.peek()?;
            if token.kind != TokenKind::DocumentStart {
                return Err(parser_error(
                    "did not find expected <document start>",
                    token.start,
                ));
            }
            self.states.push(State::DocumentEnd);
            self.state = State::DocumentContent;
            self.skip();
            Ok(Event {
                kind: EventKind::DocumentStart { implicit: false },
                start,
            })
        } else {
            self.state = State::End;
            self.skip();
            Ok(Event {
                kind: EventKind::StreamEnd,
                start: token.start,
            })
        }
    }

    fn parse_document_content(&mut self) -> Res<Event> {
        let token = self.peek()?;
        if matches!(
            token.kind,
            TokenKind::VersionDirective
                | TokenKind::TagDirective
                | TokenKind::DocumentStart
                | TokenKind::DocumentEnd
                | TokenKind::StreamEnd
        ) {
            self.pop_state();
            return Ok(empty_scalar(token.start));
        }
        self.parse_node(true, false)
    }

    fn parse_document_end(&mut self) -> Res<Event> {
        let token = self.peek()?;
        let mut implicit = true;
        if token.kind == TokenKind::DocumentEnd {
            self.skip();
            implicit = false;
        }
        self.tag_directives.clear();
        self.state = State::DocumentStart;
        Ok(Event {
            kind: EventKind::DocumentEnd { implicit },
            start: token.start,
        })
    }

    fn parse_node(&mut self, block: bool, indentless_sequence: bool) -> Res<Event> {
        let mut token = self.peek()?;
        if token.kind == TokenKind::Alias {
            self.pop_state();
            let (name, _) = self.take_text();
            return Ok(Event {
                kind: EventKind::Alias { anchor: name },
                start: token.start,
            });
        }
        let mut start = token.start;
        let mut anchor: Option<String> = None;
        let mut tag_token: Option<(String, String)> = None;
        let mut tag_mark = Mark::default();
        if token.kind == TokenKind::Anchor {
            anchor = Some(self.take_text().0);
            start = token.start;
            token = self.peek()?;
            if token.kind == TokenKind::Tag {
                let (suffix, handle) = self.take_text();
                tag_token = Some((handle, suffix));
                tag_mark = token.start;
                token = self.peek()?;
            }
        } else if token.kind == TokenKind::Tag {
            let (suffix, handle) = self.take_text();
            tag_token = Some((handle, suffix));
            start = token.start;
            tag_mark = token.start;
            token = self.peek()?;
            if token.kind == TokenKind::Anchor {
                anchor = Some(self.take_text().0);
                token = self.peek()?;
            }
        }
        let mut tag = String::new();
        if let Some((handle, suffix)) = tag_token {
            if handle.is_empty() {
                tag = suffix;
            } else {
                let prefix = self
                    .tag_directives
                    .iter()
                    .find(|(h, _)| *h == handle)
                    .map(|(_, p)| p.clone());
                match prefix {
                    Some(p) => tag = p + &suffix,
                    None => {
                        return Err(parser_error_context(
                            "while parsing a node",
                            start,
                            "found undefined tag handle",
                            tag_mark,
                        ))
                    }
                }
                if tag.is_empty() {
                    return Err(parser_error_context(
                        "while parsing a node",
                        start,
                        "found undefined tag handle",
                        tag_mark,
                    ));
                }
            }
        }
        let implicit = tag.is_empty();
        if indentless_sequence && token.kind == TokenKind::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok(Event {
                kind: EventKind::SequenceStart {
                    anchor,
                    tag,
                    implicit,
                    flow: false,
                },
                start,
            });
        }
        if let TokenKind::Scalar(style) = token.kind {
            let mut plain_implicit = false;
            let mut quoted_implicit = false;
            if (tag.is_empty() && style == ScalarStyle::Plain) || tag == "!" {
                plain_implicit = true;
            } else if tag.is_empty() {
                quoted_implicit = true;
            }
            self.pop_state();
            let (value, _) = self.take_text();
            return Ok(Event {
                kind: EventKind::Scalar {
                    anchor,
                    tag,
                    value,
                    plain_implicit,
                    quoted_implicit,
                    style,
                },
                start,
            });
        }
        match token.kind {
            TokenKind::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                return Ok(Event {
                    kind: EventKind::SequenceStart {
                        anchor,
                        tag,
                        implicit,
                        flow: true,
                    },
                    start,
                });
            }
            TokenKind::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                return Ok(Event {
                    kind: EventKind::MappingStart {
                        anchor,
                        tag,
                        implicit,
                        flow: true,
                    },
                    start,
                });
            }
            TokenKind::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                return Ok(Event {
                    kind: EventKind::SequenceStart {
                        anchor,
                        tag,
                        implicit,
                        flow: false,
                    },
                    start,
                });
            }
            TokenKind::BlockMappingStart if block => {
                self.state = State::BlockMappingFirstKey;
                return Ok(Event {
                    kind: EventKind::MappingStart {
                        anchor,
                        tag,
                        implicit,
                        flow: false,
                    },
                    start,
                });
            }
            _ => {}
        }
        if anchor.is_some() || !tag.is_empty() {
            self.pop_state();
            return Ok(Event {
                kind: EventKind::Scalar {
                    anchor,
                    tag,
                    value: String::new(),
                    plain_implicit: implicit,
                    quoted_implicit: false,
                    style: ScalarStyle::Plain,
                },
                start,
            });
        }
        let context = if block {
            "while parsing a block node"
        } else {
            "while parsing a flow node"
        };
        Err(parser_error_context(
            context,
            start,
            "did not find expected node content",
            token.start,
        ))
    }

    fn pop_mark(&mut self) -> Mark {
        self.marks.pop().unwrap_or_default()
    }

    fn parse_block_sequence_entry(&mut self, first: bool) -> Res<Event> {
        if first {
            let token = self.peek()?;
            self.marks.push(token.start);
            self.skip();
        }
        let token = self.peek()?;
        if token.kind == TokenKind::BlockEntry {
            let mark = token.end;
            self.skip();
            let token = self.peek()?;
            if token.kind != TokenKind::BlockEntry && token.kind != TokenKind::BlockEnd {
                self.states.push(State::BlockSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::BlockSequenceEntry;
            return Ok(empty_scalar(mark));
        }
        if token.kind == TokenKind::BlockEnd {
            self.pop_state();
            self.pop_mark();
            self.skip();
            return Ok(Event {
                kind: EventKind::SequenceEnd,
                start: token.start,
            });
        }
        let context_mark = self.pop_mark();
        Err(parser_error_context(
            "while parsing a block collection",
            context_mark,
            "did not find expected '-' indicator",
            token.start,
        ))
    }

    fn parse_indentless_sequence_entry(&mut self) -> Res<Event> {
        let token = self.peek()?;
        if token.kind == TokenKind::BlockEntry {
            let mark = token.end;
            self.skip();
            let token = self.peek()?;
            if !matches!(
                token.kind,
                TokenKind::BlockEntry | TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                self.states.push(State::IndentlessSequenceEntry);
                return self.parse_node(true, false);
            }
            self.state = State::IndentlessSequenceEntry;
            return Ok(empty_scalar(mark));
        }
        self.pop_state();
        Ok(Event {
            kind: EventKind::SequenceEnd,
            start: token.start,
        })
    }

    fn parse_block_mapping_key(&mut self, first: bool) -> Res<Event> {
        if first {
            let token = self.peek()?;
            self.marks.push(token.start);
            self.skip();
        }
        let token = self.peek()?;
        if token.kind == TokenKind::Key {
            let mark = token.end;
            self.skip();
            let token = self.peek()?;
            if !matches!(
                token.kind,
                TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                self.states.push(State::BlockMappingValue);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingValue;
            return Ok(empty_scalar(mark));
        } else if token.kind == TokenKind::BlockEnd {
            self.pop_state();
            self.pop_mark();
            self.skip();
            return Ok(Event {
                kind: EventKind::MappingEnd,
                start: token.start,
            });
        }
        let context_mark = self.pop_mark();
        Err(parser_error_context(
            "while parsing a block mapping",
            context_mark,
            "did not find expected key",
            token.start,
        ))
    }

    fn parse_block_mapping_value(&mut self) -> Res<Event> {
        let token = self.peek()?;
        if token.kind == TokenKind::Value {
            let mark = token.end;
            self.skip();
            let token = self.peek()?;
            if !matches!(
                token.kind,
                TokenKind::Key | TokenKind::Value | TokenKind::BlockEnd
            ) {
                self.states.push(State::BlockMappingKey);
                return self.parse_node(true, true);
            }
            self.state = State::BlockMappingKey;
            return Ok(empty_scalar(mark));
        }
        self.state = State::BlockMappingKey;
        Ok(empty_scalar(token.start))
    }

    fn parse_flow_sequence_entry(&mut self, first: bool) -> Res<Event> {
        if first {
            let token = self.peek()?;
            self.marks.push(token.start);
            self.skip();
        }
        let mut token = self.peek()?;
        if token.kind != TokenKind::FlowSequenceEnd {
            if !first {
                if token.kind == TokenKind::FlowEntry {
                    self.skip();
                    token = self.peek()?;
                } else {
                    let context_mark = self.pop_mark();
                    return Err(parser_error_context(
                        "while parsing a flow sequence",
                        context_mark,
                        "did not find expected ',' or ']'",
                        token.start,
                    ));
                }
            }
            if token.kind == TokenKind::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.skip();
                return Ok(Event {
                    kind: EventKind::MappingStart {
                        anchor: None,
                        tag: String::new(),
                        implicit: true,
                        flow: true,
                    },
                    start: token.start,
                });
            } else if token.kind != TokenKind::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.pop_mark();
        self.skip();
        Ok(Event {
            kind: EventKind::SequenceEnd,
            start: token.start,
        })
    }

    fn parse_flow_sequence_entry_mapping_key(&mut self) -> Res<Event> {
        let token = self.peek()?;
        if !matches!(
            token.kind,
            TokenKind::Value | TokenKind::FlowEntry | TokenKind::FlowSequenceEnd
        ) {
            self.states.push(State::FlowSequenceEntryMappingValue);
            return self.parse_node(false, false);
        }
        let mark = token.end;
        self.skip();
        self.state = State::FlowSequenceEntryMappingValue;
        Ok(empty_scalar(mark))
    }

    fn parse_flow_sequence_entry_mapping_value(&mut self) -> Res<Event> {
        let token = self.peek()?;
        if token.kind == TokenKind::Value {
            self.skip();
            let token = self.peek()?;
            if token.kind != TokenKind::FlowEntry && token.kind != TokenKind::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntryMappingEnd);
                return self.parse_node(false, false);
            }
        }
        self.state = State::FlowSequenceEntryMappingEnd;
        Ok(empty_scalar(token.start))
    }

    fn parse_flow_sequence_entry_mapping_end(&mut self) -> Res<Event> {
        let token = self.peek()?;
        self.state = State::FlowSequenceEntry;
        Ok(Event {
            kind: EventKind::MappingEnd,
            start: token.start,
        })
    }

    fn parse_flow_mapping_key(&mut self, first: bool) -> Res<Event> {
        if first {
            let token = self.peek()?;
            self.marks.push(token.start);
            self.skip();
        }
        let mut token = self.peek()?;
        if token.kind != TokenKind::FlowMappingEnd {
            if !first {
                if token.kind == TokenKind::FlowEntry {
                    self.skip();
                    token = self.peek()?;
                } else {
                    let context_mark = self.pop_mark();
                    return Err(parser_error_context(
                        "while parsing a flow mapping",
                        context_mark,
                        "did not find expected ',' or '}'",
                        token.start,
                    ));
                }
            }
            if token.kind == TokenKind::Key {
                self.skip();
                let token = self.peek()?;
                if !matches!(
                    token.kind,
                    TokenKind::Value | TokenKind::FlowEntry | TokenKind::FlowMappingEnd
                ) {
                    self.states.push(State::FlowMappingValue);
                    return self.parse_node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(token.start));
            } else if token.kind != TokenKind::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.parse_node(false, false);
            }
        }
        self.pop_state();
        self.pop_mark();
        self.skip();
        Ok(Event {
            kind: EventKind::MappingEnd,
            start: token.start,
        })
    }

    fn parse_flow_mapping_value(&mut self, empty: bool) -> Res<Event> {
        let token = self.peek()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok(empty_scalar(token.start));
        }
        if token.kind == TokenKind::Value {
            self.skip();
            let token = self.peek()?;
            if token.kind != TokenKind::FlowEntry && token.kind != TokenKind::FlowMappingEnd {
                self.states.push(State::FlowMappingKey);
                return self.parse_node(false, false);
            }
        }
        self.state = State::FlowMappingKey;
        Ok(empty_scalar(token.start))
    }

    fn process_directives(&mut self) -> Res<()> {
        let mut version_seen = false;
        let mut token = self.peek()?;
        loop {
            match token.kind {
                TokenKind::VersionDirective => {
                    if version_seen {
                        return Err(parser_error("found duplicate %YAML directive", token.start));
                    }
                    if token.version != (1, 1) {
                        return Err(parser_error(
                            "found incompatible YAML document",
                            token.start,
                        ));
                    }
                    version_seen = true;
                    self.skip();
                }
                TokenKind::TagDirective => {
                    let (prefix, handle) = self.take_text();
                    if self.tag_directives.iter().any(|(h, _)| *h == handle) {
                        return Err(parser_error("found duplicate %TAG directive", token.start));
                    }
                    self.tag_directives.push((handle, prefix));
                }
                _ => break,
            }
            token = self.peek()?;
        }
        for (handle, prefix) in DEFAULT_TAG_DIRECTIVES {
            if !self.tag_directives.iter().any(|(h, _)| h == handle) {
                self.tag_directives
                    .push((handle.to_string(), prefix.to_string()));
            }
        }
        Ok(())
    }
}

fn empty_scalar(mark: Mark) -> Event {
    Event {
        kind: EventKind::Scalar {
            anchor: None,
            tag: String::new(),
            value: String::new(),
            plain_implicit: true,
            quoted_implicit: false,
            style: ScalarStyle::Plain,
        },
        start: mark,
    }
}
