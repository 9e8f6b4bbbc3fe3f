//! Sending a source block's deliveries: what the destination lacks, the block's proofs, its
//! attestation (or, to a MAP light node, its epoch), then each delivery's transaction at the gas
//! its shape calls for.

use std::collections::BTreeMap;

use alloy_primitives::B256;
use futures::StreamExt;
use mos_prover::rpc::TransactionProof;
use mos_rpc::decode_signed;

use super::{Messenger, MessengerError, CONCURRENCY};
use crate::{
    attest::{self, Attestation},
    config::Simulation,
    deliver::{self, AttemptFailure},
    deployment::LightNodeKind,
    epochs,
    route::Route,
    store::{Delivery, Outcome},
    transactions::{GasLimit, SendError},
};

/// A delivery ready to send: the orders of it the destination lacks, its proof, and its shape
/// ([`deliver::shape`]).
#[derive(Clone, Copy)]
struct Ready<'a> {
    delivery: &'a Delivery,
    undelivered: &'a [B256],
    proof: &'a TransactionProof,
    shape: B256,
}

impl Messenger {
    /// Delivers the deliveries of one source block: what the destination lacks, the block's
    /// proofs, its attestation, then each delivery's transaction.
    pub(super) async fn deliver_block(
        &self,
        route: &Route,
        block: u64,
        block_hash: B256,
        deliveries: Vec<Delivery>,
    ) -> Result<(), MessengerError> {
        let mut open = Vec::new();
        for delivery in deliveries {
            // A first attempt takes every order to be missing: a destination that has one already
            // refuses the simulation (`MOSV3: Order exist`), and the next attempt asks.
            if delivery.is_first_attempt() {
                let orders = delivery.open_orders();
                open.push((delivery, orders));
                continue;
            }
            match deliver::undelivered(route, &delivery.open_orders()).await {
                Ok(undelivered) if undelivered.is_empty() => {
                    let outcomes =
                        delivery.open_orders().into_iter().map(|order_id| Outcome::AlreadyDelivered { order_id });
                    self.settle(route, &delivery, None, outcomes.collect()).await?;
                }
                Ok(undelivered) => open.push((delivery, undelivered)),
                Err(failure) => self.record_failed_attempt(route, &delivery, failure, false).await?,
            }
        }
        if open.is_empty() {
            return Ok(());
        }
        let transactions: Vec<B256> = open.iter().map(|(delivery, _)| delivery.source_transaction).collect();
        let source = route.source.chain();
        let proven = match route.light_node_kind {
            LightNodeKind::Committee => {
                mos_prover::rpc::prove_transactions_in_block(source, block_hash, &transactions).await
            }
            LightNodeKind::Map => {
                mos_prover::rpc::prove_sealed_transactions_in_block(source, block_hash, &transactions).await
            }
        };
        let attested = match (proven.map_err(deliver::node_failure), route.light_node_kind) {
            (Ok(proofs), LightNodeKind::Committee) => {
                attest::attest(route, block, block_hash, &self.attesters).await.map(|sent| (proofs, sent))
            }
            // The validators' seals make the block verifiable once the node holds its epoch.
            (Ok(proofs), LightNodeKind::Map) => epochs::advance(route, block).await.map(|updates| {
                updates.into_iter().for_each(|update| self.emit(update));
                (proofs, Attestation::Held)
            }),
            (Err(failure), _) => Err(failure),
        };
        let (proofs, attestation) = match attested {
            Ok(attested) => attested,
            Err(failure) => return self.record_failed_attempts(route, &open, failure).await,
        };
        let deliveries: Vec<Ready<'_>> = open
            .iter()
            .zip(&proofs)
            .map(|((delivery, undelivered), proof)| Ready {
                delivery,
                undelivered,
                proof,
                shape: deliver::shape(route, proof, undelivered),
            })
            .collect();
        let Attestation::Sent(attestation) = attestation else {
            return self.send_block(route, deliveries, false).await;
        };
        // The attestation is not mined yet. When every delivery is a first attempt of a shape
        // simulated before, they go at once, behind it in nonce order, at that limit with a
        // quarter more: they cannot be simulated before it is mined (the light node lacks the
        // block), and waiting for it would leave the destination a block without them.
        // Otherwise they wait for it.
        let ahead = self.config.gas.simulation == Simulation::OncePerBlock
            && deliveries.iter().all(|ready| ready.delivery.is_first_attempt() && self.learned(ready.shape).is_some());
        if ahead {
            self.send_block(route, deliveries, true).await?;
            // Those deliveries fail on chain if it does, and are tried again simulated.
            match attest::confirm(route, block, attestation).await {
                Ok(event) => self.emit(event),
                Err(failure) => tracing::warn!(route = %route.id, block, %attestation, ?failure, "attestation"),
            }
            return Ok(());
        }
        match attest::confirm(route, block, attestation).await {
            Ok(event) => self.emit(event),
            Err(failure) => return self.record_failed_attempts(route, &open, failure).await,
        }
        self.send_block(route, deliveries, false).await
    }

    /// The gas limit deliveries of `shape` last simulated at ([`deliver::shape`]), if any did.
    fn learned(&self, shape: B256) -> Option<u64> {
        self.learned_limits.lock().ok().and_then(|limits| limits.get(&shape).copied())
    }

    /// Records the same failed attempt for each of `open`.
    async fn record_failed_attempts(
        &self,
        route: &Route,
        open: &[(Delivery, Vec<B256>)],
        failure: AttemptFailure,
    ) -> Result<(), MessengerError> {
        for (delivery, _) in open {
            self.record_failed_attempt(route, delivery, failure.clone(), false).await?;
        }
        Ok(())
    }

    /// Sends the deliveries of one source block. Ahead of their attestation (`ahead`), each at
    /// the limit its shape last simulated at with a quarter more. Otherwise, once per shape (the
    /// policy's default), the first delivery of each shape is simulated and the shape's other
    /// first attempts go at its limit with a quarter more, unsimulated; every other delivery is
    /// simulated.
    async fn send_block(&self, route: &Route, deliveries: Vec<Ready<'_>>, ahead: bool) -> Result<(), MessengerError> {
        let with_margin = |limit: u64| GasLimit::Unsimulated(limit.saturating_add(limit / 4));
        let mut leaders = Vec::new();
        let mut followers = Vec::new();
        for ready in deliveries {
            let leads = !ahead
                && self.config.gas.simulation == Simulation::OncePerBlock
                && ready.delivery.is_first_attempt()
                && !leaders.iter().any(|leader: &Ready<'_>| leader.shape == ready.shape);
            if leads {
                leaders.push(ready)
            } else {
                followers.push(ready)
            }
        }
        let led: Vec<Result<(B256, Option<u64>), MessengerError>> = futures::stream::iter(
            leaders.iter().map(async |ready| Ok((ready.shape, self.submit(route, ready, GasLimit::Simulated).await?))),
        )
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
        let mut limits = BTreeMap::new();
        for led in led {
            if let (shape, Some(limit)) = led? {
                limits.insert(shape, limit);
            }
        }
        let sends = followers.iter().map(|ready| {
            let limit = if ahead { self.learned(ready.shape) } else { limits.get(&ready.shape).copied() };
            let gas = match limit {
                Some(limit)
                    if ready.delivery.is_first_attempt() && self.config.gas.simulation == Simulation::OncePerBlock =>
                {
                    with_margin(limit)
                }
                _ => GasLimit::Simulated,
            };
            self.submit(route, ready, gas)
        });
        let sent: Vec<Result<Option<u64>, MessengerError>> =
            futures::stream::iter(sends).buffer_unordered(CONCURRENCY).collect().await;
        sent.into_iter().try_for_each(|sent| sent.map(drop))
    }

    /// Builds a delivery's call and hands it to the destination's transaction manager, which
    /// finds its gas limit as `gas` says and records it before broadcasting it. The gas limit it
    /// was sent at (learned for its shape when simulated), or none when it was not sent (the
    /// failed attempt is recorded).
    async fn submit(&self, route: &Route, ready: &Ready<'_>, gas: GasLimit) -> Result<Option<u64>, MessengerError> {
        let Ready { delivery, undelivered, proof, shape } = *ready;
        let calldata = match deliver::delivery_call(route, &delivery.open_orders(), undelivered, proof) {
            Ok(calldata) => calldata,
            Err(failure) => return self.record_failed_attempt(route, delivery, failure, false).await.map(|()| None),
        };
        let (store, owner) = (&self.store, &self.lease.owner);
        let sent = route
            .destination
            .transactions
            .send(route.destination.entry.mos, calldata, gas, async |submission| {
                store.record_submission(delivery.id, owner, submission).await
            })
            .await;
        match sent {
            Ok(submission) => {
                tracing::info!(
                    route = %route.id,
                    source = %delivery.source_transaction,
                    transaction = %submission.transaction,
                    nonce = submission.nonce,
                    simulated = gas == GasLimit::Simulated,
                    "submitted"
                );
                let limit = decode_signed(&submission.raw).ok().map(|(_, unsigned)| unsigned.gas_limit);
                if let (GasLimit::Simulated, Some(limit)) = (gas, limit) {
                    if let Ok(mut limits) = self.learned_limits.lock() {
                        limits.insert(shape, limit);
                    }
                }
                return Ok(limit);
            }
            Err(SendError::Store(error)) => {
                self.held(Err::<(), _>(error))?;
            }
            Err(error) => {
                let failure = deliver::send_failure(error)?;
                self.record_failed_attempt(route, delivery, failure, false).await?;
            }
        }
        Ok(None)
    }
}
