//! Blocks outside the size classes (over 1 MiB, or aligned to more than 16
//! bytes) come from the C library's allocator. A `berth template` run asks for
//! a few at most.

use std::alloc::Layout;
use std::ptr;

use super::size_class::ALIGNMENT;

/// A block for `layout` (a size class has none), or null.
pub fn alloc(layout: Layout) -> *mut u8 {
    if layout.align() <= ALIGNMENT {
        // SAFETY: malloc accepts any size; its blocks are 16-byte aligned.
        return unsafe { libc::malloc(layout.size()) }.cast();
    }
    let mut block = ptr::null_mut();
    // SAFETY: a layout's alignment is a power of two, and larger than 16 here,
    // so also a multiple of the pointer size as posix_memalign requires.
    let failed = unsafe { libc::posix_memalign(&mut block, layout.align(), layout.size()) };
    if failed == 0 {
        block.cast()
    } else {
        ptr::null_mut()
    }
}

/// A zeroed block for `layout` (a size class has none), or null.
pub fn alloc_zeroed(layout: Layout) -> *mut u8 {
    if layout.align() <= ALIGNMENT {
        // SAFETY: as for `alloc`.
        return unsafe { libc::calloc(1, layout.size()) }.cast();
    }
    let block = alloc(layout);
    if !block.is_null() {
        // SAFETY: the block was just allocated with `layout.size()` bytes.
        unsafe { ptr::write_bytes(block, 0, layout.size()) };
    }
    block
}

/// Frees a block from `alloc` or `resize`.
///
/// # Safety
/// `block` must come from this module and be unused from now on.
pub unsafe fn free(block: *mut u8) {
    // SAFETY: blocks of this module come from the C library.
    unsafe { libc::free(block.cast()) }
}

/// Resizes a block aligned to at most 16 bytes; null when memory ran out
/// (the block is then untouched).
///
/// # Safety
/// `block` must be a live block of this module allocated with an alignment of
/// at most 16.
pub unsafe fn resize(block: *mut u8, new_size: usize) -> *mut u8 {
    // SAFETY: the caller's block comes from malloc, whose alignment realloc
    // keeps.
    unsafe { libc::realloc(block.cast(), new_size) }.cast()
}
