//! Each thread's free blocks, a list per size class, and the stretch of fresh
//! memory it carves new blocks from. Allocating and freeing touch only the
//! calling thread's lists: no locks, no atomic operations.

use std::cell::UnsafeCell;
use std::ptr;

use super::central::{self, FreeBlock};
use super::os_memory;
use super::size_class::{self, COUNT};

/// How much fresh memory a thread takes at a time.
const STRETCH: usize = 256 << 10;

/// Blocks larger than this are carved straight from the shared regions, so
/// a thread's stretch is not cut short for one block. Any stretch has room
/// for one.
const LARGEST_FROM_STRETCH: usize = STRETCH / 8;

const _: () =
    assert!(LARGEST_FROM_STRETCH <= os_memory::MIN_SPARE && os_memory::MIN_SPARE <= STRETCH);

/// How many bytes of free blocks of one class a thread keeps before it
/// passes them on to other threads.
const KEPT_PER_CLASS: usize = 256 << 10;

/// How many free blocks of each class a thread keeps.
const KEPT_BLOCKS: [u32; COUNT] = {
    let mut kept = [0; COUNT];
    let mut class = 0;
    while class < COUNT {
        let blocks = KEPT_PER_CLASS / size_class::block_size(class);
        kept[class] = if blocks < 4 { 4 } else { blocks as u32 };
        class += 1;
    }
    kept
};

struct ThreadCache {
    free: [*mut FreeBlock; COUNT],
    /// About how many blocks each list holds (batches from other threads are
    /// not counted).
    free_count: [u32; COUNT],
    /// The next unused byte of the thread's stretch.
    fresh: *mut u8,
    /// The end of the thread's stretch.
    fresh_end: *mut u8,
    /// Whether the thread hands its blocks and stretch on when it ends.
    hands_on_at_exit: bool,
}

thread_local! {
    static CACHE: UnsafeCell<ThreadCache> = const {
        UnsafeCell::new(ThreadCache {
            free: [ptr::null_mut(); COUNT],
            free_count: [0; COUNT],
            fresh: ptr::null_mut(),
            fresh_end: ptr::null_mut(),
            hands_on_at_exit: false,
        })
    };
}

/// Hands a thread's free blocks and unused stretch on when the thread ends.
struct HandOnAtExit;

impl Drop for HandOnAtExit {
    fn drop(&mut self) {
        // SAFETY: the thread's cache outlives its destructors (it has none),
        // and nothing else runs on this thread meanwhile.
        unsafe { hand_on_everything(cache()) }
    }
}

thread_local! {
    static HAND_ON_AT_EXIT: HandOnAtExit = const { HandOnAtExit };
}

#[inline]
fn cache() -> *mut ThreadCache {
    CACHE.with(UnsafeCell::get)
}

/// A block of `class`, and whether its memory is known to be zero; null when
/// memory ran out.
#[inline]
pub fn alloc(class: usize) -> (*mut u8, bool) {
    let cache = cache();
    // SAFETY: the cache belongs to this thread, and no reference into it
    // lives across this function; free blocks in its lists are unused memory.
    unsafe {
        let block = (*cache).free[class];
        if !block.is_null() {
            (*cache).free[class] = (*block).next;
            (*cache).free_count[class] = (*cache).free_count[class].saturating_sub(1);
            return (block.cast(), false);
        }
        alloc_without_free_block(cache, class)
    }
}

#[cold]
unsafe fn alloc_without_free_block(cache: *mut ThreadCache, class: usize) -> (*mut u8, bool) {
    let batch = central::take(class);
    // SAFETY: (for this block) a batch from `central` is a list of free blocks
    // now owned by this thread.
    unsafe {
        if !batch.is_null() {
            (*cache).free[class] = (*batch).next;
            return (batch.cast(), false);
        }
    }
    let size = size_class::block_size(class);
    if size > LARGEST_FROM_STRETCH {
        return (os_memory::carve(size), true);
    }
    // SAFETY: `fresh..fresh_end` is this thread's unused stretch, and a new
    // stretch replaces it only once the rest is given back.
    unsafe {
        if ((*cache).fresh_end as usize) - ((*cache).fresh as usize) < size && !refill(cache) {
            return (ptr::null_mut(), false);
        }
        let block = (*cache).fresh;
        (*cache).fresh = block.add(size);
        (block, true)
    }
}

/// Replaces the thread's stretch with a new one; false when memory ran out.
unsafe fn refill(cache: *mut ThreadCache) -> bool {
    // SAFETY: see `alloc_without_free_block`.
    unsafe {
        if !(*cache).hands_on_at_exit {
            // Set first: registering the exit handler may allocate, and that
            // allocation must not try to register it again.
            (*cache).hands_on_at_exit = true;
            HAND_ON_AT_EXIT.with(|_| ());
        }
        let (fresh, fresh_end) = ((*cache).fresh, (*cache).fresh_end);
        let (stretch, len) = os_memory::stretch(STRETCH);
        if stretch.is_null() {
            return false;
        }
        if !fresh.is_null() {
            os_memory::give_back(fresh, fresh_end as usize - fresh as usize);
        }
        (*cache).fresh = stretch;
        (*cache).fresh_end = stretch.add(len);
        true
    }
}

/// Returns a block of `class` to the thread's list.
///
/// # Safety
/// `block` must be a block of `class` (or larger) from this allocator that
/// nothing uses any more.
#[inline]
pub unsafe fn free(block: *mut u8, class: usize) {
    let cache = cache();
    // SAFETY: see `alloc`; the caller gives up the block.
    unsafe {
        let block = block.cast::<FreeBlock>();
        (*block).next = (*cache).free[class];
        (*cache).free[class] = block;
        let count = (*cache).free_count[class] + 1;
        (*cache).free_count[class] = count;
        if count > KEPT_BLOCKS[class] {
            hand_on(cache, class);
        }
    }
}

#[cold]
unsafe fn hand_on(cache: *mut ThreadCache, class: usize) {
    // SAFETY: the list is this thread's and non-empty.
    unsafe {
        central::give(class, (*cache).free[class]);
        (*cache).free[class] = ptr::null_mut();
        (*cache).free_count[class] = 0;
    }
}

unsafe fn hand_on_everything(cache: *mut ThreadCache) {
    // SAFETY: see `alloc`; the thread is ending.
    unsafe {
        for class in 0..COUNT {
            if !(*cache).free[class].is_null() {
                hand_on(cache, class);
            }
        }
        let (fresh, fresh_end) = ((*cache).fresh, (*cache).fresh_end);
        if !fresh.is_null() {
            os_memory::give_back(fresh, fresh_end as usize - fresh as usize);
        }
        (*cache).fresh = ptr::null_mut();
        (*cache).fresh_end = ptr::null_mut();
    }
}

/// Resizes a block from class `old` to class `new`, keeping its first
/// `kept` bytes: in place when the new class is no larger and no less than
/// half the old one, or when the block ends where the thread's stretch
/// continues; otherwise by moving. Null when memory ran out (the block is
/// then untouched).
///
/// # Safety
/// `block` must be a live block of class `old` from this allocator, and
/// `kept` at most the smaller of the two classes' sizes.
pub unsafe fn realloc(block: *mut u8, old: usize, new: usize, kept: usize) -> *mut u8 {
    if old == new {
        return block;
    }
    let (old_size, new_size) = (size_class::block_size(old), size_class::block_size(new));
    if new_size < old_size && new_size * 2 >= old_size {
        // The block stays larger than its new class: wasted, never unsafe.
        return block;
    }
    let cache = cache();
    // SAFETY: see `alloc`; the caller owns the block.
    unsafe {
        let end = block.add(old_size);
        if new_size > old_size
            && end == (*cache).fresh
            && new_size - old_size <= (*cache).fresh_end as usize - end as usize
        {
            (*cache).fresh = block.add(new_size);
            return block;
        }
        let (moved, _) = alloc(new);
        if moved.is_null() {
            return moved;
        }
        ptr::copy_nonoverlapping(block, moved, kept);
        free(block, old);
        moved
    }
}
