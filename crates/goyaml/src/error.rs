//! Errors, carrying the exact texts Go's libraries print.
//!
//! `Display` of every variant is the Go error string (`err.Error()`), so a
//! caller can print it where Helm prints the Go error.

use thiserror::Error;

/// A position in YAML input: 0-based character index, line and column, as
/// libyaml's `yaml_mark_t`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub index: usize,
    pub line: usize,
    pub column: usize,
}

/// Which stage of libyaml raised a syntax error (go-yaml reports the line
/// differently for the scanner and the parser).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Reader,
    Scanner,
    Parser,
}

/// A libyaml syntax error with its context, as `yaml_parser_t` records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub stage: Stage,
    pub context: String,
    pub context_mark: Mark,
    pub problem: String,
    pub problem_mark: Mark,
}

impl SyntaxError {
    /// A scanner error without context (an exhausted token queue).
    pub(crate) fn empty() -> SyntaxError {
        SyntaxError {
            stage: Stage::Scanner,
            context: String::new(),
            context_mark: Mark::default(),
            problem: "no more tokens".to_string(),
            problem_mark: Mark::default(),
        }
    }

    /// The line go-yaml's `parser.fail` prints: the problem mark's line
    /// (1-based for scanner errors, 0-based for parser errors), else the
    /// context mark's line; `None` when both are on line 0.
    pub fn go_line(&self) -> Option<usize> {
        if self.problem_mark.line != 0 {
            let line = self.problem_mark.line;
            Some(if self.stage == Stage::Scanner {
                line + 1
            } else {
                line
            })
        } else if self.context_mark.line != 0 {
            Some(self.context_mark.line)
        } else {
            None
        }
    }

    /// go-yaml's message without the `yaml: ` prefix.
    pub fn go_message(&self) -> String {
        let problem = if self.problem.is_empty() {
            "unknown problem parsing YAML content"
        } else {
            self.problem.as_str()
        };
        match self.go_line() {
            Some(line) => format!("line {line}: {problem}"),
            None => problem.to_string(),
        }
    }
}

/// A go-yaml error (`yaml: ...`).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum YamlError {
    /// Malformed YAML.
    #[error("yaml: {}", .0.go_message())]
    Syntax(SyntaxError),
    /// A decoding failure raised with go-yaml's `failf` (the text follows `yaml: `).
    #[error("yaml: {0}")]
    Decode(String),
    /// go-yaml's `*TypeError` (`yaml: unmarshal errors:` and one line per problem).
    #[error("yaml: unmarshal errors:\n  {}", .0.join("\n  "))]
    Type(Vec<String>),
    /// An emitter failure (`yaml: <problem>`).
    #[error("yaml: {0}")]
    Emit(String),
}

/// An encoding/json error.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum JsonError {
    /// `json: unsupported value: NaN` and friends.
    #[error("json: unsupported value: {0}")]
    UnsupportedValue(String),
    /// A `*json.SyntaxError`.
    #[error("{msg}")]
    Syntax { msg: String, offset: usize },
    /// A `*json.UnmarshalTypeError` (`json: cannot unmarshal array into Go value of type map[string]interface {}`).
    #[error("json: cannot unmarshal {value} into Go value of type {go_type}")]
    UnmarshalType { value: String, go_type: String },
}

/// An error of sigs.k8s.io/yaml, wrapping the underlying go-yaml or JSON error
/// exactly as its `fmt.Errorf` calls do.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SigsError {
    /// From `Unmarshal`: the YAML could not be turned into JSON.
    #[error("error converting YAML to JSON: {0}")]
    YamlToJson(ConvertError),
    /// From `Unmarshal`: the JSON could not be decoded into the target.
    #[error("error unmarshaling JSON: while decoding JSON: {0}")]
    JsonDecode(JsonError),
    /// From `Marshal`: the value could not be marshalled to JSON.
    #[error("error marshaling into JSON: {0}")]
    JsonMarshal(JsonError),
    /// From `JSONToYAML` (inside `Marshal`).
    #[error("{0}")]
    JsonToYaml(YamlError),
}

/// What can fail while turning YAML into JSON (sigs.k8s.io/yaml's `yamlToJSONTarget`).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConvertError {
    #[error("{0}")]
    Yaml(YamlError),
    /// `unsupported map key of type: ...` from `convertToJSONableObject`.
    #[error("{0}")]
    Key(String),
    #[error("{0}")]
    Json(JsonError),
}

/// An error of helm's multi-document values reader (helm 4's `LoadValues`).
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValuesError {
    /// apimachinery's YAMLReader rejected a `---` line.
    #[error("error reading yaml document: invalid Yaml document separator: {0}")]
    Separator(String),
    #[error("cannot unmarshal yaml document: {0}")]
    Document(SigsError),
}

/// A BurntSushi/toml error.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TomlError {
    #[error("{0}")]
    Encode(String),
    #[error("{0}")]
    Decode(String),
}
