//! The process's allocator, laid out for how berth runs: a short command that
//! allocates some hundred thousand small values and keeps most of them to the
//! end.
//!
//! Blocks come in size classes. Fresh ones are carved in order from regions
//! backed by huge pages where the kernel offers them, so a run's heap takes a
//! few page faults rather than thousands and stays compact. Freed blocks wait
//! in the freeing thread's lists for the next request of their class. Rust
//! states a block's size when freeing it, so blocks carry no header.

mod central;
mod large;
mod os_memory;
mod size_class;
mod thread_cache;

use std::alloc::{GlobalAlloc, Layout};
use std::ptr;

/// The allocator behind Rust's allocator interface.
pub struct BerthAllocator;

// SAFETY: class blocks are at least `layout.size()` bytes, aligned to 16, and
// `class_of` gives no class to stricter alignments; other layouts go to the C
// library with their alignment. A block's layout, restated on free and
// resize, picks the same path that allocated it.
unsafe impl GlobalAlloc for BerthAllocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match size_class::class_of(layout) {
            Some(class) => thread_cache::alloc(class).0,
            None => large::alloc(layout),
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let Some(class) = size_class::class_of(layout) else {
            return large::alloc_zeroed(layout);
        };
        let (block, zero) = thread_cache::alloc(class);
        if !block.is_null() && !zero {
            // SAFETY: the block has room for `layout.size()` bytes.
            unsafe { ptr::write_bytes(block, 0, layout.size()) };
        }
        block
    }

    #[inline]
    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: the caller's block was allocated with `layout`, which names
        // its class or sends it to the C library as it did when allocating.
        unsafe {
            match size_class::class_of(layout) {
                Some(class) => thread_cache::free(block, class),
                None => large::free(block),
            }
        }
    }

    #[inline]
    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `GlobalAlloc::realloc` promises a valid layout of
        // `new_size` bytes with the old alignment.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let kept = layout.size().min(new_size);
        // SAFETY: as in `dealloc`, `layout` names the block's path.
        unsafe {
            match (
                size_class::class_of(layout),
                size_class::class_of(new_layout),
            ) {
                (Some(old), Some(new)) => thread_cache::realloc(block, old, new, kept),
                (None, None) if layout.align() <= size_class::ALIGNMENT => {
                    large::resize(block, new_size)
                }
                _ => {
                    let moved = self.alloc(new_layout);
                    if !moved.is_null() {
                        ptr::copy_nonoverlapping(block, moved, kept);
                        self.dealloc(block, layout);
                    }
                    moved
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so a failure can be replayed.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    fn fill(block: *mut u8, len: usize, seed: u8) {
        for i in 0..len {
            unsafe { *block.add(i) = seed.wrapping_add(i as u8) };
        }
    }

    fn check(block: *mut u8, len: usize, seed: u8) {
        for i in 0..len {
            assert_eq!(
                unsafe { *block.add(i) },
                seed.wrapping_add(i as u8),
                "byte {i} of {len}"
            );
        }
    }

    fn churn(seed: u64, rounds: usize) -> Vec<(usize, Layout, u8)> {
        let mut rng = Lcg(seed);
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        for round in 0..rounds {
            let pick = rng.next() as usize;
            let size = match pick % 500 {
                0 => 1 + rng.next() as usize % 3_000_000,
                1..=10 => 1 + rng.next() as usize % 200_000,
                11..=60 => 1 + rng.next() as usize % 5_000,
                _ => 1 + rng.next() as usize % 300,
            };
            let align = if pick.is_multiple_of(97) {
                64
            } else {
                1 << (rng.next() % 5)
            };
            match rng.next() % 4 {
                0 | 1 => {
                    let layout = Layout::from_size_align(size, align).unwrap();
                    let block = unsafe { BerthAllocator.alloc(layout) };
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0);
                    let tag = round as u8;
                    fill(block, size, tag);
                    live.push((block, layout, tag));
                }
                2 if !live.is_empty() => {
                    let (block, layout, tag) = live.swap_remove(pick % live.len());
                    check(block, layout.size(), tag);
                    unsafe { BerthAllocator.dealloc(block, layout) };
                }
                _ if !live.is_empty() => {
                    let at = pick % live.len();
                    let (block, layout, tag) = live[at];
                    let moved = unsafe { BerthAllocator.realloc(block, layout, size) };
                    assert!(!moved.is_null());
                    assert_eq!(moved as usize % layout.align(), 0);
                    check(moved, layout.size().min(size), tag);
                    let layout = Layout::from_size_align(size, layout.align()).unwrap();
                    fill(moved, size, tag);
                    live[at] = (moved, layout, tag);
                }
                _ => {}
            }
        }
        live.into_iter()
            .map(|(block, layout, tag)| (block as usize, layout, tag))
            .collect()
    }

    #[test]
    fn blocks_keep_their_contents_through_allocation_resizing_and_freeing() {
        for (block, layout, tag) in churn(1, 20_000) {
            let block = block as *mut u8;
            check(block, layout.size(), tag);
            unsafe { BerthAllocator.dealloc(block, layout) };
        }
    }

    #[test]
    fn blocks_freed_on_other_threads_stay_intact() {
        let handed: Vec<_> = (0..4)
            .map(|seed| std::thread::spawn(move || churn(seed, 20_000)))
            .collect::<Vec<_>>()
            .into_iter()
            .flat_map(|thread| thread.join().unwrap())
            .collect();
        let chunks: Vec<Vec<_>> = handed
            .chunks(handed.len() / 3 + 1)
            .map(<[_]>::to_vec)
            .collect();
        let threads: Vec<_> = chunks
            .into_iter()
            .map(|blocks| {
                std::thread::spawn(move || {
                    for (block, layout, tag) in blocks {
                        let block = block as *mut u8;
                        check(block, layout.size(), tag);
                        unsafe { BerthAllocator.dealloc(block, layout) };
                    }
                    churn(99, 5_000).len()
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    }

    #[test]
    fn zeroed_blocks_are_zero_even_when_reused() {
        let layout = Layout::from_size_align(100, 8).unwrap();
        let block = unsafe { BerthAllocator.alloc(layout) };
        fill(block, 100, 7);
        unsafe { BerthAllocator.dealloc(block, layout) };
        let zeroed = unsafe { BerthAllocator.alloc_zeroed(layout) };
        assert_eq!(zeroed, block, "the freed block is reused");
        assert!((0..100).all(|i| unsafe { *zeroed.add(i) } == 0));
        unsafe { BerthAllocator.dealloc(zeroed, layout) };
    }
}
