//! Free blocks between threads. A thread that holds more free blocks of a
//! class than it is likely to reuse leaves them here as one batch, and a
//! thread that runs out looks here before it carves fresh memory, so blocks
//! freed on one thread serve allocations on another.

use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use super::size_class::COUNT;

/// A free block, overlaid on its own memory (every block has room for two
/// pointers).
pub struct FreeBlock {
    /// The next block of the same list.
    pub next: *mut FreeBlock,
    /// In the first block of a batch kept here: the next batch.
    next_batch: *mut FreeBlock,
}

struct Batches([*mut FreeBlock; COUNT]);

// SAFETY: batches are blocks no thread uses; the mutex hands each to one
// thread.
unsafe impl Send for Batches {}

static BATCHES: Mutex<Batches> = Mutex::new(Batches([ptr::null_mut(); COUNT]));

/// Whether `BATCHES` may hold a batch of each class, read without the lock so
/// that a thread finding none pays nothing for looking.
static WAITING: [AtomicBool; COUNT] = [const { AtomicBool::new(false) }; COUNT];

/// Keeps the list starting at `first` for other threads.
///
/// # Safety
/// `first` must start a non-empty list of free blocks of `class` that the
/// caller gives up.
pub unsafe fn give(class: usize, first: *mut FreeBlock) {
    let mut batches = BATCHES.lock().unwrap_or_else(PoisonError::into_inner);
    // SAFETY: the caller gives up the list, so its first block is ours to
    // link.
    unsafe { (*first).next_batch = batches.0[class] };
    batches.0[class] = first;
    WAITING[class].store(true, Ordering::Relaxed);
}

/// A list of free blocks of `class` left by some thread, or null.
pub fn take(class: usize) -> *mut FreeBlock {
    if !WAITING[class].load(Ordering::Relaxed) {
        return ptr::null_mut();
    }
    let mut batches = BATCHES.lock().unwrap_or_else(PoisonError::into_inner);
    let first = batches.0[class];
    if !first.is_null() {
        // SAFETY: batches kept here start with a block whose `next_batch`
        // was set by `give`.
        batches.0[class] = unsafe { (*first).next_batch };
    }
    if batches.0[class].is_null() {
        WAITING[class].store(false, Ordering::Relaxed);
    }
    first
}
