//! Fresh memory from the kernel. It is mapped in large regions aligned to
//! huge pages and marked for them, and handed out in order, so the blocks a
//! run uses lie together in a few huge pages: a handful of page faults where
//! 4 KiB pages would take thousands. Stretches a thread left unused when it
//! ended are kept for the next thread that needs one.

use std::ptr;
use std::sync::{Mutex, PoisonError};

use super::size_class::ALIGNMENT;

/// The size of a huge page, which regions are aligned to.
const HUGE_PAGE: usize = 2 << 20;

/// How much address space each mapping reserves; only what is used becomes
/// resident.
const REGION: usize = 64 << 20;

/// The shortest stretch kept for reuse, and so the shortest `stretch` gives.
pub const MIN_SPARE: usize = 64 << 10;

/// A stretch of unused memory waiting for a thread, linked through its start.
struct SpareStretch {
    next: *mut SpareStretch,
    len: usize,
}

struct Regions {
    /// The next unused byte of the newest region.
    next: *mut u8,
    /// How many bytes from `next` are still unused.
    left: usize,
    /// Stretches given back by threads that ended.
    spare: *mut SpareStretch,
}

// SAFETY: the pointers are addresses of memory no thread uses yet; the mutex
// hands each piece to one thread only.
unsafe impl Send for Regions {}

static REGIONS: Mutex<Regions> = Mutex::new(Regions {
    next: ptr::null_mut(),
    left: 0,
    spare: ptr::null_mut(),
});

/// `len` bytes (a multiple of `ALIGNMENT`) never handed out before, so still
/// zero, or null when the kernel has no more memory.
pub fn carve(len: usize) -> *mut u8 {
    let mut regions = REGIONS.lock().unwrap_or_else(PoisonError::into_inner);
    if regions.left < len {
        // Under a tight address-space limit a whole region may not fit where
        // the memory asked for still does.
        let needed = len.next_multiple_of(HUGE_PAGE);
        let Some((start, region_len)) = [REGION.max(needed), needed]
            .into_iter()
            .find_map(|region_len| Some((map_region(region_len)?, region_len)))
        else {
            return ptr::null_mut();
        };
        regions.next = start;
        regions.left = region_len;
    }
    let start = regions.next;
    // SAFETY: `len <= left`, so the result stays inside the region.
    regions.next = unsafe { start.add(len) };
    regions.left -= len;
    start
}

/// A stretch for a thread to carve blocks from, with its length: one left by
/// an ended thread if there is one (at least `MIN_SPARE` bytes), otherwise
/// `len` fresh bytes. Its memory is zero; null when the kernel has no more
/// memory.
pub fn stretch(len: usize) -> (*mut u8, usize) {
    let spare = {
        let mut regions = REGIONS.lock().unwrap_or_else(PoisonError::into_inner);
        let spare = regions.spare;
        if !spare.is_null() {
            // SAFETY: spare stretches hold a valid header at their start.
            regions.spare = unsafe { (*spare).next };
        }
        spare
    };
    if spare.is_null() {
        return (carve(len), len);
    }
    // SAFETY: the header was the only write to the stretch since it was
    // carved; clearing it makes the whole stretch zero again.
    unsafe {
        let len = (*spare).len;
        ptr::write_bytes(spare.cast::<u8>(), 0, size_of::<SpareStretch>());
        (spare.cast(), len)
    }
}

/// Keeps an unused stretch (aligned to `ALIGNMENT`, never handed out) for the
/// next thread that needs one. Stretches shorter than `MIN_SPARE` stay
/// unused.
///
/// # Safety
/// `start..start + len` must be unused memory from `carve` or `stretch` that
/// nothing else refers to.
pub unsafe fn give_back(start: *mut u8, len: usize) {
    if len < MIN_SPARE {
        return;
    }
    debug_assert_eq!(start as usize % ALIGNMENT, 0);
    let stretch = start.cast::<SpareStretch>();
    let mut regions = REGIONS.lock().unwrap_or_else(PoisonError::into_inner);
    // SAFETY: the caller gives up the stretch, which has room for the header.
    unsafe {
        stretch.write(SpareStretch {
            next: regions.spare,
            len,
        })
    };
    regions.spare = stretch;
}

/// Maps `len` bytes (a multiple of `HUGE_PAGE`) aligned to `HUGE_PAGE` and
/// asks for huge pages there.
fn map_region(len: usize) -> Option<*mut u8> {
    let padded = len + HUGE_PAGE;
    // SAFETY: an anonymous private mapping at an address of the kernel's
    // choosing touches no existing memory.
    let mapped = unsafe {
        libc::mmap(
            ptr::null_mut(),
            padded,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if mapped == libc::MAP_FAILED {
        return None;
    }
    let mapped = mapped.cast::<u8>();
    let lead = (mapped as usize).next_multiple_of(HUGE_PAGE) - mapped as usize;
    // SAFETY: both trimmed ends lie inside the mapping just made, which
    // nothing refers to yet.
    unsafe {
        let start = mapped.add(lead);
        if lead > 0 {
            libc::munmap(mapped.cast(), lead);
        }
        let trail = HUGE_PAGE - lead;
        if trail > 0 {
            libc::munmap(start.add(len).cast(), trail);
        }
        advise_huge_pages(start, len);
        Some(start)
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
unsafe fn advise_huge_pages(start: *mut u8, len: usize) {
    // SAFETY: the range is a mapping this module owns. Failure only means the
    // kernel keeps to small pages.
    unsafe { libc::madvise(start.cast(), len, libc::MADV_HUGEPAGE) };
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
unsafe fn advise_huge_pages(_start: *mut u8, _len: usize) {}
