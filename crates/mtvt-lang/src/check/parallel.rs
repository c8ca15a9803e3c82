//! Running the check step of the scenario pass on several threads: a map over a slice
//! whose results come back in the slice's order, so the caller can merge them exactly as
//! a single thread would have produced them. This module only schedules; it must not
//! know what is checked.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Fewest items per thread: below it, starting a thread costs more than it saves (a
/// thread start is ~50 µs; a scenario takes ~15 µs), so fewer than 64 scenarios stay on
/// the calling thread.
const MIN_PER_THREAD: usize = 32;

/// Items handed to a thread at a time: large enough that threads rarely meet on the
/// counter, small enough that they finish together.
const CHUNK: usize = 16;

/// Stack of each thread: the main thread's usual size (lowering and value conversion
/// recurse once per nesting level, which the parser bounds).
const STACK: usize = 8 << 20;

/// `f` applied to every item on up to `threads` threads (the calling thread is one of
/// them), results in item order; each thread first makes its own state with `init`.
/// Falls back to the calling thread for small inputs or when no thread can be started;
/// re-raises a panic of `f`.
pub(super) fn map_ordered<T, S, R, I, F>(items: &[T], threads: usize, init: I, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &T) -> R + Sync,
{
    let threads = threads.min(items.len() / MIN_PER_THREAD);
    if threads <= 1 {
        let mut state = init();
        return items.iter().map(|t| f(&mut state, t)).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut state = init();
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let chunk = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = items.chunks(CHUNK).nth(chunk) else {
                break;
            };
            done.push((chunk, part.iter().map(|t| f(&mut state, t)).collect()));
        }
        done
    };
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name(String::from("mtvt-check"))
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
    done.sort_unstable_by_key(|(chunk, _)| *chunk);
    done.into_iter().flat_map(|(_, part)| part).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_for_any_thread_count() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|x| x * x).collect();
        for threads in [0, 1, 2, 3, 8, 64] {
            let got = map_ordered(
                &items,
                threads,
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
        let ids = map_ordered(&items, 8, || (), |(), _| std::thread::current().id());
        assert!(ids.iter().all(|id| *id == me));
        let items: Vec<u32> = (0..(8 * MIN_PER_THREAD as u32)).collect();
        let ids = map_ordered(
            &items,
            2,
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
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<u32> = (0..512).collect();
        let r = std::panic::catch_unwind(|| {
            map_ordered(
                &items,
                4,
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
