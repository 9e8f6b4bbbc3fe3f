//! Answers held and released out of order ([`super::Fault::Reorder`]): each held answer waits
//! for a group; the answer that completes it (or the first whose wait runs out) releases the
//! group newest first, each answer [`STAGGER`] after the one released before it.

use std::{sync::Mutex, time::Duration};

use tokio::sync::oneshot;

/// The gap between two answers of a group, so that they reach their clients in the order
/// released.
pub(super) const STAGGER: Duration = Duration::from_millis(5);

/// The answers held, oldest first; each is told its place in the release (0: first).
#[derive(Debug, Default)]
pub(super) struct Reorderer {
    held: Mutex<Vec<oneshot::Sender<u32>>>,
}

impl Reorderer {
    /// Holds an answer until its group is released: at once when it makes `depth` held answers,
    /// else when a later one does, or after `hold` (then it releases what is held with it).
    /// Returns how many answers this call released ahead of an older one (counted once per
    /// group, by the call that released it).
    pub(super) async fn hold(&self, depth: usize, hold: Duration) -> u64 {
        let (place, mut released) = oneshot::channel();
        let full = {
            let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            held.push(place);
            held.len() >= depth.max(1)
        };
        let mut reordered = if full { self.release() } else { 0 };
        let rank = match tokio::time::timeout(hold, &mut released).await {
            Ok(rank) => rank,
            Err(_) => {
                reordered += self.release();
                released.await
            }
        };
        // A group's sender is dropped only after it sent: a lost rank is the first place.
        tokio::time::sleep(STAGGER * rank.unwrap_or(0)).await;
        reordered
    }

    /// How many answers are held.
    #[cfg(test)]
    pub(super) fn held(&self) -> usize {
        self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }

    /// Releases every held answer, newest first; how many went ahead of an older one.
    fn release(&self) -> u64 {
        let group = std::mem::take(&mut *self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let ahead = group.len().saturating_sub(1) as u64;
        for (rank, place) in (0u32..).zip(group.into_iter().rev()) {
            // A receiver gone (its connection closed) has nothing to release.
            let _ = place.send(rank);
        }
        ahead
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn a_full_group_is_released_newest_first_and_a_lone_answer_after_its_hold() {
        let reorderer = Arc::new(Reorderer::default());
        let (order, mut finished) = tokio::sync::mpsc::unbounded_channel();
        let mut tasks = Vec::new();
        for answer in 0..3u32 {
            let (held, order) = (Arc::clone(&reorderer), order.clone());
            tasks.push(tokio::spawn(async move {
                let reordered = held.hold(3, Duration::from_secs(30)).await;
                order.send(answer).unwrap();
                reordered
            }));
            // Held in this order: the next is spawned once this one is held (the third
            // releases the group).
            while answer < 2 && reorderer.held() <= answer as usize {
                tokio::task::yield_now().await;
            }
        }
        let mut reordered = 0;
        for task in tasks {
            reordered += task.await.unwrap();
        }
        let released: Vec<u32> = (0..3).map(|_| finished.try_recv().unwrap()).collect();
        assert_eq!(released, [2, 1, 0]);
        assert_eq!(reordered, 2, "two answers went ahead of an older one");

        let started = tokio::time::Instant::now();
        assert_eq!(reorderer.hold(3, Duration::from_millis(50)).await, 0, "alone: nothing reordered");
        assert!(started.elapsed() >= Duration::from_millis(50));
    }
}
