//! What a render built and no longer needs once its output exists: the parse
//! trees, the prepared chart and its coalesced values, the templates' objects
//! and the rendered files. They stay with the result, so that freeing them, a
//! walk over every node, happens when the caller drops the result, or not at
//! all in a command that exits right after rendering.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// Data kept only to be freed later.
#[derive(Clone, Default)]
pub struct Retained(Vec<Arc<dyn Any + Send + Sync>>);

impl Retained {
    /// Keeps `data` until this is dropped.
    pub fn keep(&mut self, data: impl Any + Send + Sync) {
        self.0.push(Arc::new(data));
    }
}

impl fmt::Debug for Retained {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Retained({} parts)", self.0.len())
    }
}
