//! The process's allocator: mimalloc, called through its plain entry points
//! for the alignments every mimalloc block has, and through the aligned ones
//! only for larger alignments, which Rust rarely asks for.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// Every block mimalloc hands out is aligned to at least a pointer's size.
const PLAIN_ALIGNMENT: usize = std::mem::size_of::<usize>();

/// mimalloc behind Rust's allocator interface.
pub struct Mimalloc;

// SAFETY: every path returns mimalloc blocks of at least `layout.size()` bytes
// aligned to `layout.align()`: plain blocks are pointer-aligned, and larger
// alignments go to mimalloc's aligned functions. Blocks from either are freed
// and resized by `mi_free`/`mi_realloc*`, which accept both.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGNMENT {
            mi::mi_malloc(layout.size()) as *mut u8
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGNMENT {
            mi::mi_zalloc(layout.size()) as *mut u8
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr as *mut c_void);
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= PLAIN_ALIGNMENT {
            mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
        } else {
            mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
        }
    }
}
