//! Running a map over a slice on several threads, results in the slice's order, so a
//! caller can merge them exactly as a single thread would have produced them. Used for
//! parsing the files of a check run, the pieces of a large file and the scenarios of the
//! scenario pass; and freeing a large program on several threads. This module only
//! schedules; it must not know what is computed.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Stack of each thread: the main thread's usual size (parsing, lowering and value
/// conversion recurse once per nesting level, which the parser bounds).
const STACK: usize = 8 << 20;

/// How [`map_ordered`] spreads items over threads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spread {
    /// At most this many threads (the calling thread is one of them).
    pub threads: usize,
    /// Items handed to a thread at a time.
    pub chunk: usize,
    /// Fewest items per thread: fewer threads are used for small inputs.
    pub min_per_thread: usize,
}

impl Spread {
    /// One item at a time on up to `threads` threads.
    pub(crate) fn each(threads: usize) -> Self {
        Spread {
            threads,
            chunk: 1,
            min_per_thread: 1,
        }
    }
}

/// `f` applied to every item on the threads `spread` allows, results in item order; each
/// thread first makes its own state with `init`. Falls back to the calling thread for
/// small inputs or when no thread can be started; re-raises a panic of `f`.
pub(crate) fn map_ordered<T, S, R, I, F>(items: &[T], spread: Spread, init: I, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &T) -> R + Sync,
{
    let chunk = spread.chunk.max(1);
    let threads = spread
        .threads
        .min(items.len() / spread.min_per_thread.max(1));
    if threads <= 1 {
        let mut state = init();
        return items.iter().map(|t| f(&mut state, t)).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut state = init();
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = items.chunks(chunk).nth(i) else {
                break;
            };
            done.push((i, part.iter().map(|t| f(&mut state, t)).collect()));
        }
        done
    };
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name(String::from("mtvt-worker"))
                    .stack_size(STACK)
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        let mut all = work();
        for w in workers {
            match w.join() {
                Ok(part) => all.extend(part),
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        all
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, part)| part).collect()
}

/// Fewest items worth freeing on more than one thread.
const DROP_MIN_ITEMS: usize = 1024;

/// Drops `items` on up to `threads` threads, each freeing a contiguous part (freeing the
/// AST of thousands of scenarios costs a tenth of checking them).
pub(crate) fn drop_spread<T: Send>(mut items: Vec<T>, threads: usize) {
    if threads < 2 || items.len() < DROP_MIN_ITEMS {
        return;
    }
    let part = items.len().div_ceil(threads);
    let mut parts = Vec::with_capacity(threads);
    while items.len() > part {
        parts.push(items.split_off(items.len() - part));
    }
    std::thread::scope(|s| {
        for p in parts {
            let spawned = std::thread::Builder::new()
                .name(String::from("mtvt-free"))
                .spawn_scoped(s, move || drop(p));
            // A thread that cannot start leaves its part to the calling thread (the
            // closure, and so the part, is dropped when `spawn_scoped` fails).
            drop(spawned);
        }
        drop(items);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN_PER_THREAD: usize = 32;

    fn chunked(threads: usize) -> Spread {
        Spread {
            threads,
            chunk: 16,
            min_per_thread: MIN_PER_THREAD,
        }
    }

    #[test]
    fn results_come_back_in_item_order_for_any_thread_count() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|x| x * x).collect();
        for threads in [0, 1, 2, 3, 8, 64] {
            let got = map_ordered(
                &items,
                chunked(threads),
                || (),
                |(), x| {
                    // Uneven work so that threads finish out of order.
                    if x % 7 == 0 {
                        std::thread::yield_now();
                    }
                    x * x
                },
            );
            assert_eq!(got, expected, "{threads} threads");
        }
    }

    #[test]
    fn small_inputs_stay_on_the_calling_thread() {
        let me = std::thread::current().id();
        let items: Vec<u32> = (0..(2 * MIN_PER_THREAD as u32 - 1)).collect();
        let ids = map_ordered(
            &items,
            chunked(8),
            || (),
            |(), _| std::thread::current().id(),
        );
        assert!(ids.iter().all(|id| *id == me));
        let items: Vec<u32> = (0..(8 * MIN_PER_THREAD as u32)).collect();
        let ids = map_ordered(
            &items,
            chunked(2),
            || (),
            |(), _| {
                // Slow enough that the second thread gets some chunks.
                std::thread::sleep(std::time::Duration::from_micros(200));
                std::thread::current().id()
            },
        );
        assert_eq!(ids.len(), items.len());
        assert!(ids.iter().any(|id| *id != me), "no work on a second thread");
    }

    #[test]
    fn dropping_in_parts_drops_every_item_once() {
        struct Counted<'a>(&'a AtomicUsize);
        impl Drop for Counted<'_> {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        for (n, threads) in [(10, 4), (5_000, 1), (5_000, 2), (5_001, 3), (1_024, 64)] {
            let dropped = AtomicUsize::new(0);
            let items: Vec<Counted<'_>> = (0..n).map(|_| Counted(&dropped)).collect();
            drop_spread(items, threads);
            assert_eq!(
                dropped.load(Ordering::Relaxed),
                n,
                "{n} items, {threads} threads"
            );
        }
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<u32> = (0..512).collect();
        let r = std::panic::catch_unwind(|| {
            map_ordered(
                &items,
                chunked(4),
                || (),
                |(), x| {
                    assert!(*x != 500, "boom");
                    *x
                },
            )
        });
        assert!(r.is_err());
    }
}
