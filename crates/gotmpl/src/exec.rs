//! Template execution.

/// What a function body can reach of the running execution.
pub struct CallContext<'a> {
    _marker: std::marker::PhantomData<&'a ()>,
}
