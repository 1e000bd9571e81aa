//! How the process holds memory: two settings made at the start of
//! `main`, before the server starts its threads.
//!
//! - **No transparent huge pages.** mimalloc asks the kernel for huge
//!   pages on its arena (`MADV_HUGEPAGE`), so a 64 KiB page of the heap
//!   that a request touches makes a 2 MiB page resident, and freeing it
//!   returns nothing until the whole 2 MiB is free. Under the search
//!   workload (W5, SQLite, 100,000 articles) the arena held 150-170 MB
//!   with huge pages and 81-83 MB without, at the same throughput
//!   (bench/NOTES.md). The process opts out with
//!   `prctl(PR_SET_THP_DISABLE)`, as `MIMALLOC_ALLOW_THP=0` does; it
//!   applies whatever the machine's THP setting (`always` or `madvise`).
//! - **Freed memory returned after 100 ms, not 1 s.** mimalloc 3 keeps
//!   freed pages committed for `purge_delay` (1,000 ms by default) in case
//!   they are reused; under a burst of requests that is the memory of a
//!   second of them. 100 ms lowered the peak under W5 and W6 by another
//!   10-30 MB without costing throughput; 0 (at once) cost about 9 %.
//!
//! An operator's `MIMALLOC_ALLOW_THP` or `MIMALLOC_PURGE_DELAY` wins over
//! either setting (mimalloc reads them itself).

/// mimalloc's `purge_delay` option: its index in `mi_option_t`
/// (`mimalloc.h`), the same in mimalloc 2.1+ and 3 (options are only ever
/// appended). The Rust bindings name no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed pages stay committed before mimalloc returns them.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

/// Applies both settings unless the environment sets them. Call first in
/// `main`: `mi_option_set` is not thread-safe.
pub fn settle() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        disable_transparent_huge_pages();
    }
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: called before any other thread exists; the option is
        // an integer mimalloc reads on its next purge.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
}

/// Opts the process out of transparent huge pages (a hint: a kernel
/// without the call leaves the process as it was).
#[cfg(target_os = "linux")]
fn disable_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and touches no
    // memory of ours.
    let _ = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}

#[cfg(not(target_os = "linux"))]
fn disable_transparent_huge_pages() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_is_the_option_set() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return; // The operator's value stands; nothing of ours to check.
        }
        // SAFETY: reading an option is a plain load.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // mimalloc 3's default for `purge_delay` (no other option's is
        // 1,000): the index names the option meant.
        assert_eq!(default, 1_000);
        settle();
        // SAFETY: as above.
        let set = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(set, PURGE_DELAY_MS);
    }
}
