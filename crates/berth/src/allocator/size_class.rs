//! The block sizes the allocator deals in: every 16 bytes up to 1 KiB, then
//! four sizes per doubling up to 1 MiB, so a block is never more than a
//! quarter larger than asked for above 1 KiB.

use std::alloc::Layout;

/// Every block is aligned to this, and every class size is a multiple of it.
pub const ALIGNMENT: usize = 16;

/// The largest block handled by size class; larger ones go to the C library.
pub const MAX_SIZE: usize = 1 << 20;

/// Sizes up to this limit are rounded up to a multiple of `ALIGNMENT`.
const FINE_LIMIT: usize = 1024;

/// How many classes the fine steps make.
const FINE_CLASSES: usize = FINE_LIMIT / ALIGNMENT;

/// `log2(FINE_LIMIT)`: the doubling the coarse classes start from.
const FINE_LIMIT_LOG2: usize = FINE_LIMIT.trailing_zeros() as usize;

/// How many classes there are.
pub const COUNT: usize = class_of_size(MAX_SIZE) + 1;

/// The class whose blocks fit `size` bytes most tightly; `size` is at most
/// `MAX_SIZE`.
#[inline]
pub const fn class_of_size(size: usize) -> usize {
    let last_byte = size.saturating_sub(1);
    if size <= FINE_LIMIT {
        last_byte / ALIGNMENT
    } else {
        let doubling = (usize::BITS - 1 - last_byte.leading_zeros()) as usize;
        let quarter = (last_byte >> (doubling - 2)) & 3;
        FINE_CLASSES + (doubling - FINE_LIMIT_LOG2) * 4 + quarter
    }
}

/// The class serving `layout`, or `None` when it is too large or too strictly
/// aligned for size classes.
#[inline]
pub const fn class_of(layout: Layout) -> Option<usize> {
    if layout.align() > ALIGNMENT || layout.size() > MAX_SIZE {
        None
    } else {
        Some(class_of_size(layout.size()))
    }
}

/// The size of every block of `class`.
#[inline]
pub const fn block_size(class: usize) -> usize {
    BLOCK_SIZES[class]
}

const BLOCK_SIZES: [usize; COUNT] = {
    let mut sizes = [0; COUNT];
    let mut class = 0;
    while class < COUNT {
        sizes[class] = if class < FINE_CLASSES {
            (class + 1) * ALIGNMENT
        } else {
            let coarse = class - FINE_CLASSES;
            let doubling = FINE_LIMIT_LOG2 + coarse / 4;
            (5 + coarse % 4) << (doubling - 2)
        };
        class += 1;
    }
    sizes
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_gets_the_tightest_class_that_fits() {
        for size in 1..=MAX_SIZE {
            let class = class_of_size(size);
            assert!(block_size(class) >= size, "size {size} in class {class}");
            if class > 0 {
                assert!(
                    block_size(class - 1) < size,
                    "size {size} fits a smaller class"
                );
            }
        }
    }

    #[test]
    fn classes_grow_by_at_most_a_quarter_past_the_fine_steps() {
        assert_eq!(block_size(0), 16);
        assert_eq!(block_size(FINE_CLASSES - 1), 1024);
        assert_eq!(block_size(FINE_CLASSES), 1280);
        assert_eq!(block_size(COUNT - 1), MAX_SIZE);
        for class in FINE_CLASSES..COUNT {
            let (smaller, larger) = (block_size(class - 1), block_size(class));
            assert_eq!(larger % ALIGNMENT, 0);
            assert!(
                larger > smaller && (larger - smaller) * 4 <= smaller,
                "{smaller} -> {larger}"
            );
        }
    }

    #[test]
    fn large_or_strictly_aligned_layouts_have_no_class() {
        let layout = |size, align| Layout::from_size_align(size, align).unwrap();
        assert_eq!(class_of(layout(24, 8)), Some(1));
        assert_eq!(class_of(layout(MAX_SIZE, 16)), Some(COUNT - 1));
        assert_eq!(class_of(layout(MAX_SIZE + 1, 8)), None);
        assert_eq!(class_of(layout(64, 64)), None);
    }
}
