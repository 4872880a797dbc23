//! The YAML emitter: a port of libyaml's emitter as go-yaml carries it
//! (emitterc.go), in the v2 flavour (v2.4.x `yaml.Marshal`, width 80, compact
//! sequences under mapping keys) and the v3 flavour (v3.0.4 `Encoder` with
//! `SetIndent`, unlimited width, indented sequences), without anchors, tags
//! or comments, which the encoders here never produce.

/// Which go-yaml emitter to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    V2,
    V3,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ev {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Scalar { value: String, style: Style },
    SequenceStart { flow: bool },
    SequenceEnd,
    MappingStart { flow: bool },
    MappingEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    FirstDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    FlowSequenceFirstItem,
    FlowSequenceItem,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingSimpleValue,
    FlowMappingValue,
    BlockSequenceFirstItem,
    BlockSequenceItem,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingSimpleValue,
    BlockMappingValue,
    End,
}

#[derive(Default)]
struct ScalarData {
    value: Vec<char>,
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
    style: Option<Style>,
}

struct Emitter {
    flavor: Flavor,
    out: String,
    best_indent: isize,
    best_width: isize,
    state: State,
    states: Vec<State>,
    indent: isize,
    indents: Vec<isize>,
    flow_level: usize,
    mapping_context: bool,
    simple_key_context: bool,
    column: isize,
    whitespace: bool,
    indention: bool,
    scalar: ScalarData,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}
fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

/// Emits `events` (a whole stream) and returns the text.
pub(crate) fn emit(events: &[Ev], flavor: Flavor, indent: usize) -> Result<String, String> {
    let mut e = Emitter {
        flavor,
        out: String::new(),
        best_indent: indent as isize,
        best_width: if flavor == Flavor::V3 { -1 } else { 0 },
        state: State::StreamStart,
        states: Vec::new(),
        indent: -1,
        indents: Vec::new(),
        flow_level: 0,
        mapping_context: false,
        simple_key_context: false,
        column: 0,
        whitespace: true,
        indention: true,
        scalar: ScalarData::default(),
    };
    for head in 0..events.len() {
        e.analyze_event(&events[head]);
        e.state_machine(events, head)?;
    }
    Ok(e.out)
}

impl Emitter {
    fn v3(&self) -> bool {
        self.flavor == Flavor::V3
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        if self.v3() {
            self.indention = true;
        }
    }

    fn write(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn write_all(&mut self, s: &str) {
        for c in s.chars() {
            self.write(c);
        }
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.write(c);
            self.column = 0;
            if self.v3() {
                self.indention = true;
            }
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            if self.v3() {
                if self.states.last() == Some(&State::BlockSequenceItem) {
                    self.indent += 2;
                } else {
                    self.indent =
                        self.best_indent * ((self.indent + self.best_indent) / self.best_indent);
                }
            } else {
                self.indent += self.best_indent;
            }
        }
    }

    fn state_machine(&mut self, events: &[Ev], head: usize) -> Result<(), String> {
        let event = &events[head];
        match self.state {
            State::StreamStart => self.emit_stream_start(event),
            State::FirstDocumentStart => self.emit_document_start(event, true),
            State::DocumentStart => self.emit_document_start(event, false),
            State::DocumentContent => {
                self.states.push(State::DocumentEnd);
                self.emit_node(events, head, false, false)
            }
            State::DocumentEnd => self.emit_document_end(event),
            State::FlowSequenceFirstItem => self.emit_flow_sequence_item(events, head, true),
            State::FlowSequenceItem => self.emit_flow_sequence_item(events, head, false),
            State::FlowMappingFirstKey => self.emit_flow_mapping_key(events, head, true),
            State::FlowMappingKey => self.emit_flow_mapping_key(events, head, false),
            State::FlowMappingSimpleValue => self.emit_flow_mapping_value(events, head, true),
            State::FlowMappingValue => self.emit_flow_mapping_value(events, head, false),
            State::BlockSequenceFirstItem => self.emit_block_sequence_item(events, head, true),
            State::BlockSequenceItem => self.emit_block_sequence_item(events, head, false),
            State::BlockMappingFirstKey => self.emit_block_mapping_key(events, head, true),
            State::BlockMappingKey => self.emit_block_mapping_key(events, head, false),
            State::BlockMappingSimpleValue => self.emit_block_mapping_value(events, head, true),
            State::BlockMappingValue => self.emit_block_mapping_value(events, head, false),
            State::End => Err("expected nothing after STREAM-END".into()),
        }
    }

    fn emit_stream_start(&mut self, event: &Ev) -> Result<(), String> {
        if *event != Ev::StreamStart {
            return Err("expected STREAM-START".into());
        }
        if self.best_indent < 2 || self.best_indent > 9 {
            self.best_indent = 2;
        }
        if self.best_width >= 0 && self.best_width <= self.best_indent * 2 {
            self.best_width = 80;
        }
        if self.best_width < 0 {
            self.best_width = (1 << 31) - 1;
        }
        self.indent = -1;
        self.column = 0;
        self.whitespace = true;
        self.indention = true;
        self.state = State::FirstDocumentStart;
        Ok(())
    }

    fn emit_document_start(&mut self, event: &Ev, first: bool) -> Result<(), String> {
        match event {
            Ev::DocumentStart => {
                if !first {
                    self.write_indent();
                    self.write_indicator("---", true, false, false);
                    if self.v3() {
                        self.write_indent();
                    }
                }
                self.state = State::DocumentContent;
                Ok(())
            }
            Ev::StreamEnd => {
                self.state = State::End;
                Ok(())
            }
            _ => Err("expected DOCUMENT-START or STREAM-END".into()),
        }
    }

    fn emit_document_end(&mut self, event: &Ev) -> Result<(), String> {
        if *event != Ev::DocumentEnd {
            return Err("expected DOCUMENT-END".into());
        }
        self.write_indent();
        self.state = State::DocumentStart;
        Ok(())
    }

    fn emit_flow_sequence_item(
        &mut self,
        events: &[Ev],
        head: usize,
        first: bool,
    ) -> Result<(), String> {
        if first {
            self.write_indicator("[", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if events[head] == Ev::SequenceEnd {
            self.flow_level -= 1;
            self.pop_indent();
            if self.v3() && self.column == 0 {
                self.write_indent();
            }
            self.write_indicator("]", false, false, false);
            self.pop_state();
            return Ok(());
        }
        if !first {
            self.write_indicator(",", false, false, false);
        }
        if self.v3() && self.column == 0 {
            self.write_indent();
        }
        if self.column > self.best_width {
            self.write_indent();
        }
        self.states.push(State::FlowSequenceItem);
        self.emit_node(events, head, false, false)
    }

    fn emit_flow_mapping_key(
        &mut self,
        events: &[Ev],
        head: usize,
        first: bool,
    ) -> Result<(), String> {
        if first {
            self.write_indicator("{", true, true, false);
            self.increase_indent(true, false);
            self.flow_level += 1;
        }
        if events[head] == Ev::MappingEnd {
            self.flow_level -= 1;
            self.pop_indent();
            if self.v3() && self.column == 0 {
                self.write_indent();
            }
            self.write_indicator("}", false, false, false);
            self.pop_state();
            return Ok(());
        }
        if !first {
            self.write_indicator(",", false, false, false);
        }
        if self.v3() && self.column == 0 {
            self.write_indent();
        }
        if self.column > self.best_width {
            self.write_indent();
        }
        if self.check_simple_key(events, head) {
            self.states.push(State::FlowMappingSimpleValue);
            return self.emit_node(events, head, true, true);
        }
        self.write_indicator("?", true, false, false);
        self.states.push(State::FlowMappingValue);
        self.emit_node(events, head, true, false)
    }

    fn emit_flow_mapping_value(
        &mut self,
        events: &[Ev],
        head: usize,
        simple: bool,
    ) -> Result<(), String> {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            if self.column > self.best_width {
                self.write_indent();
            }
            self.write_indicator(":", true, false, false);
        }
        self.states.push(State::FlowMappingKey);
        self.emit_node(events, head, true, false)
    }

    fn emit_block_sequence_item(
        &mut self,
        events: &[Ev],
        head: usize,
        first: bool,
    ) -> Result<(), String> {
        if first {
            let indentless = !self.v3() && self.mapping_context && !self.indention;
            self.increase_indent(false, indentless);
        }
        if events[head] == Ev::SequenceEnd {
            self.pop_indent();
            self.pop_state();
            return Ok(());
        }
        self.write_indent();
        self.write_indicator("-", true, false, true);
        self.states.push(State::BlockSequenceItem);
        self.emit_node(events, head, false, false)
    }

    fn emit_block_mapping_key(
        &mut self,
        events: &[Ev],
        head: usize,
        first: bool,
    ) -> Result<(), String> {
        if first {
            self.increase_indent(false, false);
        }
        if events[head] == Ev::MappingEnd {
            self.pop_indent();
            self.pop_state();
            return Ok(());
        }
        self.write_indent();
        if self.check_simple_key(events, head) {
            self.states.push(State::BlockMappingSimpleValue);
            return self.emit_node(events, head, true, true);
        }
        self.write_indicator("?", true, false, true);
        self.states.push(State::BlockMappingValue);
        self.emit_node(events, head, true, false)
    }

    fn emit_block_mapping_value(
        &mut self,
        events: &[Ev],
        head: usize,
        simple: bool,
    ) -> Result<(), String> {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        self.states.push(State::BlockMappingKey);
        self.emit_node(events, head, true, false)
    }

    fn emit_node(
        &mut self,
        events: &[Ev],
        head: usize,
        mapping: bool,
        simple_key: bool,
    ) -> Result<(), String> {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match &events[head] {
            Ev::Scalar { style, .. } => {
                self.select_scalar_style(*style);
                self.increase_indent(true, false);
                self.process_scalar();
                self.pop_indent();
                self.pop_state();
                Ok(())
            }
            Ev::SequenceStart { flow } => {
                let empty = events.get(head + 1) == Some(&Ev::SequenceEnd);
                self.state = if self.flow_level > 0 || *flow || empty {
                    State::FlowSequenceFirstItem
                } else {
                    State::BlockSequenceFirstItem
                };
                Ok(())
            }
            Ev::MappingStart { flow } => {
                let empty = events.get(head + 1) == Some(&Ev::MappingEnd);
                self.state = if self.flow_level > 0 || *flow || empty {
                    State::FlowMappingFirstKey
                } else {
                    State::BlockMappingFirstKey
                };
                Ok(())
            }
            other => Err(format!(
                "expected SCALAR, SEQUENCE-START, MAPPING-START, or ALIAS, but got {other:?}"
            )),
        }
    }

    fn check_simple_key(&self, events: &[Ev], head: usize) -> bool {
        let length = match &events[head] {
            Ev::Scalar { .. } => {
                if self.scalar.multiline {
                    return false;
                }
                self.scalar
                    .value
                    .iter()
                    .map(|c| c.len_utf8())
                    .sum::<usize>()
            }
            Ev::SequenceStart { .. } => {
                if events.get(head + 1) != Some(&Ev::SequenceEnd) {
                    return false;
                }
                0
            }
            Ev::MappingStart { .. } => {
                if events.get(head + 1) != Some(&Ev::MappingEnd) {
                    return false;
                }
                0
            }
            _ => return false,
        };
        length <= 128
    }

    fn select_scalar_style(&mut self, requested: Style) {
        let mut style = requested;
        if self.simple_key_context && self.scalar.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !self.scalar.flow_plain_allowed)
                || (self.flow_level == 0 && !self.scalar.block_plain_allowed)
            {
                style = Style::SingleQuoted;
            }
            if self.scalar.value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !self.scalar.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if (style == Style::Literal || style == Style::Folded)
            && (!self.scalar.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = Style::DoubleQuoted;
        }
        self.scalar.style = Some(style);
    }

    fn process_scalar(&mut self) {
        let value = std::mem::take(&mut self.scalar.value);
        let allow_breaks = !self.simple_key_context;
        match self.scalar.style {
            Some(Style::SingleQuoted) => self.write_single_quoted(&value, allow_breaks),
            Some(Style::DoubleQuoted) => self.write_double_quoted(&value, allow_breaks),
            Some(Style::Literal) => self.write_literal(&value),
            Some(Style::Folded) => self.write_folded(&value),
            _ => self.write_plain(&value, allow_breaks),
        }
        self.scalar.value = value;
    }

    fn analyze_event(&mut self, event: &Ev) {
        self.scalar.value.clear();
        if let Ev::Scalar { value, .. } = event {
            self.analyze_scalar(value);
        }
    }

    fn analyze_scalar(&mut self, text: &str) {
        let value: Vec<char> = text.chars().collect();
        let sd = &mut self.scalar;
        if value.is_empty() {
            sd.value = value;
            sd.multiline = false;
            sd.flow_plain_allowed = false;
            sd.block_plain_allowed = true;
            sd.single_quoted_allowed = true;
            sd.block_allowed = false;
            return;
        }
        let mut block_indicators = false;
        let mut flow_indicators = false;
        let mut line_breaks = false;
        let mut special_characters = false;
        let mut tab_characters = false;
        let mut leading_space = false;
        let mut leading_break = false;
        let mut trailing_space = false;
        let mut trailing_break = false;
        let mut break_space = false;
        let mut space_break = false;
        let mut previous_space = false;
        let mut previous_break = false;
        if value.len() >= 3
            && ((value[0] == '-' && value[1] == '-' && value[2] == '-')
                || (value[0] == '.' && value[1] == '.' && value[2] == '.'))
        {
            block_indicators = true;
            flow_indicators = true;
        }
        let mut preceded_by_whitespace = true;
        let n = value.len();
        for i in 0..n {
            let c = value[i];
            let followed_by_whitespace = i + 1 >= n || is_blank(value[i + 1]);
            if i == 0 {
                match c {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\''
                    | '"' | '%' | '@' | '`' => {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                    '?' | ':' => {
                        flow_indicators = true;
                        block_indicators |= followed_by_whitespace;
                    }
                    '-' if followed_by_whitespace => {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                    _ => {}
                }
            } else {
                match c {
                    ',' | '?' | '[' | ']' | '{' | '}' => flow_indicators = true,
                    ':' => {
                        flow_indicators = true;
                        block_indicators |= followed_by_whitespace;
                    }
                    '#' if preceded_by_whitespace => {
                        flow_indicators = true;
                        block_indicators = true;
                    }
                    _ => {}
                }
            }
            if self.flavor == Flavor::V3 && c == '\t' {
                tab_characters = true;
            } else if !is_printable(c) {
                special_characters = true;
            }
            if c == ' ' {
                if i == 0 {
                    leading_space = true;
                }
                if i + 1 == n {
                    trailing_space = true;
                }
                if previous_break {
                    break_space = true;
                }
                previous_space = true;
                previous_break = false;
            } else if is_break(c) {
                line_breaks = true;
                if i == 0 {
                    leading_break = true;
                }
                if i + 1 == n {
                    trailing_break = true;
                }
                if previous_space {
                    space_break = true;
                }
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
        }
        sd.value = value;
        sd.multiline = line_breaks;
        sd.flow_plain_allowed = true;
        sd.block_plain_allowed = true;
        sd.single_quoted_allowed = true;
        sd.block_allowed = true;
        if leading_space || leading_break || trailing_space || trailing_break {
            sd.flow_plain_allowed = false;
            sd.block_plain_allowed = false;
        }
        if trailing_space {
            sd.block_allowed = false;
        }
        if break_space {
            sd.flow_plain_allowed = false;
            sd.block_plain_allowed = false;
            sd.single_quoted_allowed = false;
        }
        if space_break || tab_characters || special_characters {
            sd.flow_plain_allowed = false;
            sd.block_plain_allowed = false;
            sd.single_quoted_allowed = false;
        }
        if space_break || special_characters {
            sd.block_allowed = false;
        }
        if line_breaks {
            sd.flow_plain_allowed = false;
            sd.block_plain_allowed = false;
        }
        if flow_indicators {
            sd.flow_plain_allowed = false;
        }
        if block_indicators {
            sd.block_plain_allowed = false;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        if !self.v3() {
            self.indention = true;
        }
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.write_all(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn write_plain(&mut self, value: &[char], allow_breaks: bool) {
        if !self.whitespace && (!self.v3() || !value.is_empty()) {
            self.put(' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let n = value.len();
        for i in 0..n {
            let c = value[i];
            if c == ' ' {
                let next_space = i + 1 < n && value[i + 1] == ' ';
                if allow_breaks && !spaces && self.column > self.best_width && !next_space {
                    self.write_indent();
                } else {
                    self.write(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !self.v3() || !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &[char], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let n = value.len();
        for i in 0..n {
            let c = value[i];
            if c == ' ' {
                let next_space = i + 1 < n && value[i + 1] == ' ';
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i + 1 < n
                    && !next_space
                {
                    self.write_indent();
                } else {
                    self.write(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.write(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &[char], allow_breaks: bool) {
        let mut spaces = false;
        self.write_indicator("\"", true, false, false);
        let n = value.len();
        // libyaml's is_bom looks at the start of the value, not at the
        // current character: a leading BOM escapes every character.
        let bom_start = value.first() == Some(&'\u{FEFF}');
        let mut i = 0;
        while i < n {
            let c = value[i];
            if !is_printable(c) || bom_start || is_break(c) || c == '"' || c == '\\' {
                i += 1;
                self.put('\\');
                let v = c as u32;
                match v {
                    0x00 => self.put('0'),
                    0x07 => self.put('a'),
                    0x08 => self.put('b'),
                    0x09 => self.put('t'),
                    0x0A => self.put('n'),
                    0x0B => self.put('v'),
                    0x0C => self.put('f'),
                    0x0D => self.put('r'),
                    0x1B => self.put('e'),
                    0x22 => self.put('"'),
                    0x5C => self.put('\\'),
                    0x85 => self.put('N'),
                    0xA0 => self.put('_'),
                    0x2028 => self.put('L'),
                    0x2029 => self.put('P'),
                    _ => {
                        let (prefix, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(prefix);
                        for k in (0..width).rev() {
                            let digit = (v >> (k * 4)) & 0xF;
                            self.put(
                                char::from_digit(digit, 16)
                                    .unwrap_or('0')
                                    .to_ascii_uppercase(),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i > 0 && i + 1 < n {
                    self.write_indent();
                    if i + 1 < n && value[i + 1] == ' ' {
                        self.put('\\');
                    }
                    i += 1;
                } else {
                    self.write(c);
                    i += 1;
                }
                spaces = true;
            } else {
                self.write(c);
                i += 1;
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_scalar_hints(&mut self, value: &[char]) {
        if let Some(&first) = value.first() {
            if first == ' ' || is_break(first) {
                let hint = char::from_digit(self.best_indent as u32, 10).unwrap_or('2');
                self.write_indicator(&hint.to_string(), false, false, false);
            }
        }
        let mut chomp = None;
        match value.len() {
            0 => chomp = Some('-'),
            n => {
                if !is_break(value[n - 1]) {
                    chomp = Some('-');
                } else if n == 1 || is_break(value[n - 2]) {
                    chomp = Some('+');
                }
            }
        }
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
    }

    fn write_literal(&mut self, value: &[char]) {
        self.write_indicator("|", true, false, false);
        self.write_block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in value {
            if is_break(c) {
                self.write_break(c);
                if !self.v3() {
                    self.indention = true;
                }
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    fn write_folded(&mut self, value: &[char]) {
        self.write_indicator(">", true, false, false);
        self.write_block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut leading_spaces = true;
        let n = value.len();
        for i in 0..n {
            let c = value[i];
            if is_break(c) {
                if !breaks && !leading_spaces && c == '\n' {
                    let mut k = 0;
                    while k < n && is_break(value[k]) {
                        k += 1;
                    }
                    if !(k >= n || is_blank(value[k]) || is_break(value[k])) {
                        self.put_break();
                    }
                }
                self.write_break(c);
                if !self.v3() {
                    self.indention = true;
                }
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    leading_spaces = is_blank(c);
                }
                let next_space = i + 1 < n && value[i + 1] == ' ';
                if !breaks && c == ' ' && !next_space && self.column > self.best_width {
                    self.write_indent();
                } else {
                    self.write(c);
                }
                self.indention = false;
                breaks = false;
            }
        }
    }
}
