//! Recording what became of a delivery: its outcomes, a failed attempt and its backoff, a refusal.

use std::time::Duration;

use alloy_rpc_types_eth::TransactionReceipt;

use super::{Messenger, MessengerError};
use crate::{
    deliver::AttemptFailure,
    events::Event,
    route::Route,
    store::{after_ms, now_ms, Attempt, Delivery, Outcome, StoreError},
};

impl Messenger {
    /// Whether a write to a delivery this instance holds went through: `false` when another instance
    /// took the delivery over (it is dropped from this round).
    ///
    /// # Errors
    /// [`MessengerError::Store`] for any other store failure.
    pub(super) fn held<T>(&self, written: Result<T, StoreError>) -> Result<bool, MessengerError> {
        match written {
            Ok(_) => Ok(true),
            Err(StoreError::LeaseLost(id)) => {
                tracing::warn!(delivery = id, "another instance took the delivery over; leaving it");
                Ok(false)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Records what became of a delivery's orders, and reports it.
    pub(super) async fn settle(
        &self,
        route: &Route,
        delivery: &Delivery,
        receipt: Option<&TransactionReceipt>,
        outcomes: Vec<Outcome>,
    ) -> Result<(), MessengerError> {
        let transaction = receipt.map(|receipt| receipt.transaction_hash);
        let recorded =
            self.store.record_outcomes(delivery.id, &self.lease.owner, &outcomes, transaction, now_ms()).await;
        if !self.held(recorded)? {
            return Ok(());
        }
        for outcome in &outcomes {
            match outcome {
                Outcome::Executed { order_id, result: false, reason } => tracing::warn!(
                    route = %route.id, order = %order_id, reason = %mos_rpc::revert_reason(reason),
                    "delivered; the target failed (the order can be retried with retryMessageIn)"
                ),
                outcome => {
                    tracing::info!(route = %route.id, order = %outcome.order_id(), ?transaction, ?outcome, "delivered")
                }
            }
        }
        self.emit(Event::Delivered {
            route: route.id.clone(),
            source_transaction: delivery.source_transaction,
            transaction,
            block: receipt.and_then(|receipt| receipt.block_number),
            outcomes,
            latency: Duration::from_millis(now_ms().saturating_sub(delivery.found_at_ms)),
        });
        Ok(())
    }

    /// Records an attempt that did not deliver: tried again later (after a backoff, or the poll
    /// interval when waiting), or failed for good when refused or out of attempts.
    pub(super) async fn record_failed_attempt(
        &self,
        route: &Route,
        delivery: &Delivery,
        failure: AttemptFailure,
        clear_submission: bool,
    ) -> Result<(), MessengerError> {
        let owner = &self.lease.owner;
        let source_transaction = delivery.source_transaction;
        let (attempt, delay) = match failure {
            AttemptFailure::Waiting(why) => {
                if delivery.last_error.as_deref() != Some(&why) {
                    tracing::info!(route = %route.id, transaction = %source_transaction, "{why}");
                }
                let delay = self.config.poll_interval;
                (Attempt { attempts: delivery.attempts, not_before_ms: after_ms(delay), error: why }, None)
            }
            AttemptFailure::Unavailable(error) => {
                let delay = self.config.delay(delivery.attempts.saturating_add(1));
                (Attempt { attempts: delivery.attempts, not_before_ms: after_ms(delay), error }, Some(delay))
            }
            AttemptFailure::Transient(error) if delivery.attempts.saturating_add(1) < self.config.max_attempts => {
                let attempts = delivery.attempts.saturating_add(1);
                let delay = self.config.delay(attempts);
                (Attempt { attempts, not_before_ms: after_ms(delay), error }, Some(delay))
            }
            AttemptFailure::Transient(error) => {
                let reason = format!("gave up after {} attempts; the last: {error}", self.config.max_attempts);
                return self.record_refusal(route, delivery, reason).await;
            }
            AttemptFailure::Refused(reason) => return self.record_refusal(route, delivery, reason).await,
        };
        if !self.held(self.store.record_attempt(delivery.id, owner, &attempt, clear_submission).await)? {
            return Ok(());
        }
        if let Some(delay) = delay {
            let (attempts, error) = (attempt.attempts, attempt.error);
            tracing::warn!(route = %route.id, transaction = %source_transaction, attempts, ?delay, %error, "delivery failed; trying again");
            self.emit(Event::Retrying { route: route.id.clone(), source_transaction, attempts, error, delay });
        }
        Ok(())
    }

    /// Records a delivery as failed for good, with its reason, and reports it.
    async fn record_refusal(&self, route: &Route, delivery: &Delivery, reason: String) -> Result<(), MessengerError> {
        if !self.held(self.store.record_failure(delivery.id, &self.lease.owner, &reason).await)? {
            return Ok(());
        }
        tracing::error!(
            route = %route.id,
            transaction = %delivery.source_transaction,
            %reason,
            "the delivery cannot be made; recorded as failed"
        );
        self.emit(Event::Refused {
            route: route.id.clone(),
            source_transaction: delivery.source_transaction,
            orders: delivery.open_orders(),
            reason,
        });
        Ok(())
    }
}
