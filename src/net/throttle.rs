//! Attempt throttling for whatever a stranger can guess at: passphrases per hosted account, the admin token and
//! account creation per client address. An attempt is counted when it starts, before it is answered, so a burst
//! of parallel guesses cannot all slip through while the first ones are still being checked; a success forgets the
//! count. After [`Throttle::free`] attempts the key must wait, doubling each time up to a cap, and the caller
//! answers `429 Too Many Requests` with `Retry-After`. The wait runs from the moment the last failed attempt was
//! answered (an attempt dropped without [`Attempt::succeeded`]), so a slow check cannot use up the wait while it
//! runs. Counts are forgotten after a quiet window.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Keys remembered at most (when full, the quietest are forgotten first).
pub const CAPACITY: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    attempts: u32,
    last: Instant,
}

/// A throttle over string keys (an account, a client address).
#[derive(Debug)]
pub struct Throttle {
    entries: Mutex<HashMap<String, Entry>>,
    free: u32,
    base: Duration,
    max: Duration,
    window: Duration,
}

/// An attempt in progress: counted; [`Attempt::succeeded`] forgets the count, and dropping it otherwise marks
/// the failure's time, from which the next wait runs.
#[derive(Debug)]
pub struct Attempt<'a> {
    throttle: &'a Throttle,
    key: String,
    succeeded: bool,
}

impl Attempt<'_> {
    /// The attempt succeeded: the key starts afresh.
    pub fn succeeded(mut self) {
        self.throttle.lock().remove(&self.key);
        self.succeeded = true;
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.succeeded {
            if let Some(entry) = self.throttle.lock().get_mut(&self.key) {
                entry.last = entry.last.max(Instant::now());
            }
        }
    }
}

impl Throttle {
    /// `free` attempts, then waits of `base`, doubling up to `max`; counts forgotten after `window` without attempts.
    #[must_use]
    pub fn new(free: u32, base: Duration, max: Duration, window: Duration) -> Self {
        Self { entries: Mutex::new(HashMap::new()), free, base, max, window }
    }

    /// Attempts allowed before waits begin.
    #[must_use]
    pub fn free(&self) -> u32 {
        self.free
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The wait after `attempts` counted attempts.
    fn wait_after(&self, attempts: u32) -> Duration {
        if attempts < self.free {
            return Duration::ZERO;
        }
        let doublings = (attempts - self.free).min(20);
        self.base.saturating_mul(1 << doublings).min(self.max)
    }

    /// Starts an attempt for `key`, counting it now; or how long to wait before the next one is allowed.
    ///
    /// # Errors
    /// The time to wait (`Retry-After`).
    pub fn begin(&self, key: &str) -> Result<Attempt<'_>, Duration> {
        let now = Instant::now();
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            let window = self.window;
            entries.retain(|_, e| now.duration_since(e.last) < window);
        }
        let entry = entries.entry(key.to_owned()).or_insert(Entry { attempts: 0, last: now });
        if now.duration_since(entry.last) >= self.window {
            *entry = Entry { attempts: 0, last: now };
        }
        let wait = self.wait_after(entry.attempts);
        let since = now.duration_since(entry.last);
        if entry.attempts >= self.free && since < wait {
            return Err(wait.saturating_sub(since));
        }
        entry.attempts += 1;
        entry.last = now;
        Ok(Attempt { throttle: self, key: key.to_owned(), succeeded: false })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parallel_burst_is_counted_before_it_is_answered() {
        let throttle = Throttle::new(5, Duration::from_secs(1), Duration::from_secs(60), Duration::from_secs(900));
        let allowed = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..12).map(|_| scope.spawn(|| throttle.begin("erin").is_ok())).collect();
            handles.into_iter().map(|h| usize::from(h.join().unwrap())).sum::<usize>()
        });
        assert_eq!(allowed, 5, "five free attempts, then 429");
        let wait = throttle.begin("erin").unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1), "{wait:?}");
        assert!(throttle.begin("someone-else").is_ok(), "keys are independent");
    }

    #[test]
    fn success_forgets_and_waits_double() {
        let throttle = Throttle::new(1, Duration::from_millis(20), Duration::from_millis(50), Duration::from_secs(60));
        throttle.begin("k").unwrap().succeeded();
        let _counted = throttle.begin("k").unwrap();
        assert!(throttle.begin("k").is_err());
        std::thread::sleep(Duration::from_millis(25));
        let _again = throttle.begin("k").unwrap();
        let wait = throttle.begin("k").unwrap_err();
        assert!(wait > Duration::from_millis(20), "doubled: {wait:?}");
        assert!(wait <= Duration::from_millis(50), "capped: {wait:?}");
    }

    #[test]
    fn the_wait_runs_from_when_a_failure_is_answered_issue_11() {
        let throttle = Throttle::new(1, Duration::from_millis(40), Duration::from_secs(1), Duration::from_secs(60));
        let slow = throttle.begin("k").unwrap();
        std::thread::sleep(Duration::from_millis(60));
        drop(slow);
        assert!(throttle.begin("k").is_err(), "a check slower than the wait does not use the wait up");
    }
}
