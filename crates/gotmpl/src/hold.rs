//! Holding back writes to shared maps while templates run in parallel: a
//! [`WriteHold`] covers every map that exists when it begins, and template code
//! run under it (on any thread) cannot change those maps; each such write is
//! dropped and recorded, so that the caller can discard the parallel results
//! and run the templates one after another instead. Maps made under the hold,
//! such as a template's own `dict`, stay writable.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Counts holds begun; a map remembers the count when it is made, so the maps
/// a hold covers are those made before it began.
static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The hold over template code running on this thread: its generation and
    /// the flag a dropped write raises.
    static CURRENT: RefCell<Option<(u64, Arc<AtomicBool>)>> = const { RefCell::new(None) };
}

/// The generation a map made now belongs to.
pub(crate) fn generation_now() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// Whether a write to a map made in generation `born` must be dropped, which
/// records the attempt in the hold.
pub(crate) fn blocks_write(born: u64) -> bool {
    CURRENT.with(|current| match &*current.borrow() {
        Some((generation, tried)) if born < *generation => {
            tried.store(true, Ordering::Relaxed);
            true
        }
        _ => false,
    })
}

/// Writes held back from every map that existed when the hold began.
pub struct WriteHold {
    generation: u64,
    tried: Arc<AtomicBool>,
}

/// Puts a thread's previous hold back when dropped.
struct Restore(Option<(u64, Arc<AtomicBool>)>);

impl Drop for Restore {
    fn drop(&mut self) {
        let outer = self.0.take();
        CURRENT.with(|current| *current.borrow_mut() = outer);
    }
}

impl WriteHold {
    /// Begins holding writes to every map made so far.
    pub fn begin() -> WriteHold {
        WriteHold {
            generation: GENERATION.fetch_add(1, Ordering::AcqRel) + 1,
            tried: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Runs `f` on this thread under the hold. `f` must not hand work to other
    /// threads: the hold covers this thread only.
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        let outer = CURRENT.with(|current| {
            current
                .borrow_mut()
                .replace((self.generation, self.tried.clone()))
        });
        // Put back what held before, even if `f` unwinds: the thread may run
        // other code afterwards.
        let _restore = Restore(outer);
        f()
    }

    /// Whether code run under the hold tried to write to a held map.
    pub fn tried_to_write(&self) -> bool {
        self.tried.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::WriteHold;
    use crate::value::{Map, MapType, Value};

    fn map() -> Map {
        Map::new(MapType::interface(), BTreeMap::new())
    }

    #[test]
    fn maps_made_before_the_hold_keep_their_entries_under_it() {
        let shared = map();
        shared.insert("kept", Value::Bool(true));
        let hold = WriteHold::begin();
        let own = hold.run(|| {
            shared.insert("added", Value::Bool(true));
            shared.remove("kept");
            let own = map();
            own.insert("mine", Value::Bool(true));
            own
        });
        assert!(hold.tried_to_write());
        assert_eq!(shared.keys(), vec!["kept".to_string()]);
        assert_eq!(own.keys(), vec!["mine".to_string()]);
    }

    #[test]
    fn a_run_that_unwinds_leaves_no_hold_behind() {
        let shared = map();
        let hold = WriteHold::begin();
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            hold.run(|| panic!("template code failed"))
        }));
        assert!(unwound.is_err());
        shared.insert("after", Value::Bool(true));
        assert_eq!(shared.keys(), vec!["after".to_string()]);
    }

    #[test]
    fn outside_its_run_a_hold_holds_nothing() {
        let shared = map();
        let hold = WriteHold::begin();
        hold.run(|| shared.get("x"));
        shared.insert("after", Value::Bool(true));
        assert!(!hold.tried_to_write());
        assert_eq!(shared.keys(), vec!["after".to_string()]);
    }
}
