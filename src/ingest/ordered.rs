//! Work on a stream of items on every core, with the results taken in the stream's order
//! and no thread waiting for another at fixed points.
//!
//! Each thread of rayon's pool takes the next item as soon as it is free; the calling
//! thread works too, and between items hands on, in order, the results that are ready.
//! A batch of items with a barrier at its end, the simpler way, leaves threads idle while
//! the slowest item of each batch finishes.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use crate::error::Result;

/// How far past the last result handed on items are taken: enough that a thread
/// seldom stops for want of one, few enough that memory holds a few items' results even
/// while `take` is slow (a report analysing a chunk of rows): 16 kept the peak of a
/// 10,000,000-row report at 892 MiB, 64 let it rise to 957 MiB.
const AHEAD: usize = 16;

/// The items not yet taken.
struct Queue<I> {
    items: I,
    /// How many have been taken.
    taken: usize,
    /// How many results have been handed on.
    handed: usize,
    /// Set when the results taken so far are all that is wanted.
    stopped: bool,
}

/// Runs `work` on every item of `items`, on every thread of the current rayon pool, and
/// gives the results to `take` in the items' order. `take` says whether to go on: after
/// `false` (or an error, from either) no more items are started, and results of later
/// items are dropped.
pub fn ordered<I, T, R>(
    items: I,
    work: impl Fn(T) -> Result<R> + Sync,
    mut take: impl FnMut(R) -> Result<bool>,
) -> Result<()>
where
    I: Iterator<Item = T> + Send,
    T: Send,
    R: Send,
{
    let queue = Mutex::new(Queue {
        items,
        taken: 0,
        handed: 0,
        stopped: false,
    });
    // Signalled when results are handed on, or when no more items are wanted.
    let moved = Condvar::new();
    // A poisoned lock means a helper panicked; rayon raises that panic when the scope ends.
    // A helper waits rather than take an item `AHEAD` past the last result handed on, so
    // that a slow `take` (a report analysing a chunk) does not let results pile up.
    let next = |waits: bool| -> Option<(usize, T)> {
        let mut queue = queue.lock().ok()?;
        while waits && !queue.stopped && queue.taken >= queue.handed + AHEAD {
            queue = moved.wait(queue).ok()?;
        }
        if queue.stopped {
            return None;
        }
        let item = queue.items.next()?;
        queue.taken += 1;
        Some((queue.taken - 1, item))
    };
    let handed = |n: usize| {
        if let Ok(mut queue) = queue.lock() {
            queue.handed = n;
        }
        moved.notify_all();
    };
    let stop = || {
        if let Ok(mut queue) = queue.lock() {
            queue.stopped = true;
        }
        moved.notify_all();
    };
    let (sender, receiver) = mpsc::channel::<(usize, Result<R>)>();
    let (work, next) = (&work, &next);
    rayon::in_place_scope(|scope| {
        for _ in 1..rayon::current_num_threads() {
            let sender = sender.clone();
            scope.spawn(move |_| {
                while let Some((index, item)) = next(true) {
                    if sender.send((index, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut held: BTreeMap<usize, Result<R>> = BTreeMap::new();
        let mut wanted = 0;
        let outcome = (|| {
            loop {
                held.extend(receiver.try_iter());
                let go_on = hand_on(&mut held, &mut wanted, &mut take, &handed)?;
                if !go_on {
                    return Ok(());
                }
                if held.len() >= AHEAD {
                    // A helper has the next item; the calling thread waits for it rather
                    // than run further ahead.
                    match receiver.recv() {
                        Ok(done) => held.extend([done]),
                        Err(_) => break,
                    }
                    continue;
                }
                match next(false) {
                    Some((index, item)) => {
                        held.insert(index, work(item));
                    }
                    None => break,
                }
            }
            // Every item taken and not yet handed on is a helper's, which sends its result
            // (only a helper that panicked does not, and then every sender is gone).
            let taken = queue.lock().map_or(0, |queue| queue.taken);
            while wanted < taken {
                if !held.contains_key(&wanted) {
                    match receiver.recv() {
                        Ok(done) => held.extend([done]),
                        Err(_) => break,
                    }
                }
                let go_on = hand_on(&mut held, &mut wanted, &mut take, &handed)?;
                if !go_on {
                    break;
                }
            }
            Ok(())
        })();
        stop();
        outcome
    })
}

/// Hands on the results that are next in order, then tells the helpers how far that got
/// (`handed`, only when it moved: it takes the lock and wakes them); `false` once no more
/// are wanted.
fn hand_on<R>(
    held: &mut BTreeMap<usize, Result<R>>,
    wanted: &mut usize,
    take: &mut impl FnMut(R) -> Result<bool>,
    handed: &impl Fn(usize),
) -> Result<bool> {
    let from = *wanted;
    let mut go_on = true;
    while let Some(result) = held.remove(wanted) {
        *wanted += 1;
        if !take(result?)? {
            go_on = false;
            break;
        }
    }
    if *wanted != from {
        handed(*wanted);
    }
    Ok(go_on)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use rayon::prelude::*;

    use super::*;
    use crate::error::Error;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    /// Work that takes longer for some items, so that results come back out of order.
    fn uneven(i: usize) -> Result<usize> {
        let spin = if i % 7 == 0 { 20_000 } else { 50 };
        Ok((0..spin).fold(i, |acc, _| std::hint::black_box(acc)))
    }

    #[test]
    fn results_come_in_the_items_order_on_any_number_of_threads() {
        for threads in [1, 2, 4] {
            let mut seen = Vec::new();
            pool(threads)
                .install(|| {
                    ordered(0..1000usize, uneven, |r| {
                        seen.push(r);
                        Ok(true)
                    })
                })
                .unwrap();
            assert_eq!(seen, (0..1000).collect::<Vec<_>>(), "{threads} threads");
        }
    }

    #[test]
    fn nothing_is_taken_after_take_says_stop() {
        let started = AtomicUsize::new(0);
        let mut seen = Vec::new();
        pool(2)
            .install(|| {
                ordered(
                    0..10_000usize,
                    |i| {
                        started.fetch_add(1, Ordering::Relaxed);
                        uneven(i)
                    },
                    |r| {
                        seen.push(r);
                        Ok(r < 10)
                    },
                )
            })
            .unwrap();
        assert_eq!(seen, (0..=10).collect::<Vec<_>>());
        assert!(started.load(Ordering::Relaxed) < 10_000);
    }

    #[test]
    fn a_slow_taker_holds_back_the_workers() {
        let started = AtomicUsize::new(0);
        let mut most_ahead = 0;
        pool(2)
            .install(|| {
                ordered(
                    0..300usize,
                    |i| {
                        started.fetch_add(1, Ordering::SeqCst);
                        Ok(i)
                    },
                    |r| {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                        most_ahead = most_ahead.max(started.load(Ordering::SeqCst) - (r + 1));
                        Ok(true)
                    },
                )
            })
            .unwrap();
        // The helper stops AHEAD past what was handed on, the caller AHEAD held results on.
        assert!(most_ahead <= 2 * AHEAD + 2, "{most_ahead} items ahead");
    }

    #[test]
    fn the_first_error_in_order_is_returned() {
        let mut seen = Vec::new();
        let result = pool(2).install(|| {
            ordered(
                0..1000usize,
                |i| {
                    if i == 300 || i == 600 {
                        Err(Error::internal(format!("item {i}")))
                    } else {
                        uneven(i)
                    }
                },
                |r| {
                    seen.push(r);
                    Ok(true)
                },
            )
        });
        assert!(result.unwrap_err().to_string().contains("item 300"));
        assert_eq!(seen, (0..300).collect::<Vec<_>>());
    }

    #[test]
    fn streams_read_side_by_side_on_a_small_pool_do_not_wait_on_each_other() {
        // Each stream's calling thread is a pool thread; a helper it queues may never
        // start while the others are busy, and the stream must still finish.
        let sums: Vec<usize> = pool(2).install(|| {
            (0..6usize)
                .into_par_iter()
                .map(|s| {
                    let mut sum = 0;
                    ordered(0..500usize, uneven, |r| {
                        sum += r;
                        Ok(true)
                    })
                    .unwrap();
                    sum + s
                })
                .collect()
        });
        let expected: Vec<usize> = (0..6).map(|s| (0..500).sum::<usize>() + s).collect();
        assert_eq!(sums, expected);
    }
}
