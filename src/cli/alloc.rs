//! The global allocator of the `credo` binary and its benchmarks: mimalloc, asked the cheap way.
//!
//! Deciding a batch makes many small allocations (every decision carries its trace). The
//! `mimalloc` crate hands every one of them to `mi_malloc_aligned`, and mimalloc 3 takes a
//! slower, over-allocating path there whenever the size is not a power of two. A request
//! whose alignment is at most 16 bytes and divides its size is met by plain `mi_malloc`:
//! mimalloc's size classes are multiples of 8 (of 16 above 16) and start 16-aligned. Only
//! other layouts go to the aligned functions. This saves about 3% of the instructions of a
//! batch (callgrind, 20,000 records).

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc behind Rust's allocator interface. Use it as `#[global_allocator]`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Mimalloc;

/// The largest alignment every mimalloc block of a fitting size has (`MI_MAX_ALIGN_SIZE`).
const NATURAL: usize = 16;

/// Whether plain `mi_malloc(size)` meets `align`.
fn natural(size: usize, align: usize) -> bool {
    align <= NATURAL && size.is_multiple_of(align)
}

// SAFETY: every block comes from mimalloc and goes back to it; `natural` sends a layout to
// the unaligned functions only when their blocks are aligned enough (see the module docs and
// the test below); all others go to the aligned ones.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: mimalloc accepts any size and a power-of-two alignment, which Layout has.
        unsafe {
            if natural(l.size(), l.align()) {
                mi::mi_malloc(l.size()).cast()
            } else {
                mi::mi_malloc_aligned(l.size(), l.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe {
            if natural(l.size(), l.align()) {
                mi::mi_zalloc(l.size()).cast()
            } else {
                mi::mi_zalloc_aligned(l.size(), l.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, _l: Layout) {
        // SAFETY: `p` came from this allocator, hence from mimalloc.
        unsafe { mi::mi_free(p.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `p` came from mimalloc; the new block is chosen as in `alloc`.
        unsafe {
            if natural(new_size, l.align()) {
                mi::mi_realloc(p.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(p.cast::<c_void>(), new_size, l.align()).cast()
            }
        }
    }
}

/// Gives the memory mimalloc holds free back to the system now, rather than after its purge
/// delay. The batch commands call it after screening an input for repeated ids: the screen's
/// filter (tens of megabytes for ten million records) is freed just as deciding starts, and
/// would otherwise add to the peak. Harmless when mimalloc is not the global allocator.
pub fn release_free_memory() {
    // SAFETY: mi_collect only walks mimalloc's own heaps.
    unsafe { mi::mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size up to a few pages at every alignment up to 4 KiB comes back aligned, fresh,
    /// zeroed and grown or shrunk.
    #[test]
    fn blocks_are_aligned_for_every_layout() {
        let a = Mimalloc;
        let sizes = (1..=600).chain([1000, 4096, 5000, 65_536, 100_000, 1 << 20]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let Ok(l) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: l has a non-zero size; every block is freed once with its layout.
                unsafe {
                    let p = a.alloc(l);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "alloc {size} align {align}");
                    p.write_bytes(0xAB, size);
                    let z = a.alloc_zeroed(l);
                    assert_eq!(z as usize % align, 0, "zeroed {size} align {align}");
                    assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                    a.dealloc(z, l);
                    let grown = size * 2 + 8;
                    let q = a.realloc(p, l, grown);
                    assert_eq!(q as usize % align, 0, "grow {size} align {align}");
                    assert!(std::slice::from_raw_parts(q, size)
                        .iter()
                        .all(|&b| b == 0xAB));
                    let shrunk = size.div_ceil(2);
                    let grown = Layout::from_size_align_unchecked(grown, align);
                    let r = a.realloc(q, grown, shrunk);
                    assert_eq!(r as usize % align, 0, "shrink {size} align {align}");
                    assert!(std::slice::from_raw_parts(r, shrunk)
                        .iter()
                        .all(|&b| b == 0xAB));
                    a.dealloc(r, Layout::from_size_align_unchecked(shrunk, align));
                }
            }
        }
    }
}
