//! Go static types as the template engine needs them: their names for `%T` and error
//! texts, their zero values, and the assignability checks applied to function arguments.

use std::fmt;
use std::sync::Arc;

/// The kinds of Go signed integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntKind {
    Int,
    Int8,
    Int16,
    Int32,
    Int64,
}

/// The kinds of Go unsigned integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UintKind {
    Uint,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Uintptr,
}

impl IntKind {
    pub fn name(self) -> &'static str {
        match self {
            IntKind::Int => "int",
            IntKind::Int8 => "int8",
            IntKind::Int16 => "int16",
            IntKind::Int32 => "int32",
            IntKind::Int64 => "int64",
        }
    }

    /// Whether `v` fits this kind.
    pub fn fits(self, v: i128) -> bool {
        let bits = match self {
            IntKind::Int | IntKind::Int64 => 64,
            IntKind::Int8 => 8,
            IntKind::Int16 => 16,
            IntKind::Int32 => 32,
        };
        let min = -(1i128 << (bits - 1));
        let max = (1i128 << (bits - 1)) - 1;
        v >= min && v <= max
    }
}

impl UintKind {
    pub fn name(self) -> &'static str {
        match self {
            UintKind::Uint => "uint",
            UintKind::Uint8 => "uint8",
            UintKind::Uint16 => "uint16",
            UintKind::Uint32 => "uint32",
            UintKind::Uint64 => "uint64",
            UintKind::Uintptr => "uintptr",
        }
    }

    /// Whether `v` fits this kind.
    pub fn fits(self, v: i128) -> bool {
        let bits = match self {
            UintKind::Uint | UintKind::Uint64 | UintKind::Uintptr => 64,
            UintKind::Uint8 => 8,
            UintKind::Uint16 => 16,
            UintKind::Uint32 => 32,
        };
        v >= 0 && v < (1i128 << bits)
    }
}

/// A Go type, as far as templates can observe one.
#[derive(Clone, Debug, PartialEq)]
pub enum GoType {
    /// The type of an untyped nil: `%T` prints `<nil>`.
    Nil,
    /// `interface {}`: any value.
    Interface,
    Bool,
    Int(IntKind),
    Uint(UintKind),
    Float64,
    String,
    Slice(Arc<GoType>),
    Map(Arc<GoType>, Arc<GoType>),
    /// A named type (a struct, a pointer to one, or a named map such as
    /// `chartutil.Values`), printed as its name.
    Named(Arc<str>),
}

impl GoType {
    pub fn slice_of(elem: GoType) -> GoType {
        GoType::Slice(Arc::new(elem))
    }

    pub fn map_of(elem: GoType) -> GoType {
        GoType::Map(Arc::new(GoType::String), Arc::new(elem))
    }

    /// Whether a nil can be assigned to a parameter of this type.
    pub fn can_be_nil(&self) -> bool {
        matches!(
            self,
            GoType::Interface | GoType::Slice(_) | GoType::Map(..) | GoType::Nil
        )
    }
}

impl fmt::Display for GoType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoType::Nil => f.write_str("<nil>"),
            GoType::Interface => f.write_str("interface {}"),
            GoType::Bool => f.write_str("bool"),
            GoType::Int(k) => f.write_str(k.name()),
            GoType::Uint(k) => f.write_str(k.name()),
            GoType::Float64 => f.write_str("float64"),
            GoType::String => f.write_str("string"),
            GoType::Slice(e) => write!(f, "[]{e}"),
            GoType::Map(k, v) => write!(f, "map[{k}]{v}"),
            GoType::Named(n) => f.write_str(n),
        }
    }
}
