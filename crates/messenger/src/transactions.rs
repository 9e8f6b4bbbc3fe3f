//! The transaction manager of one account on one chain.
//!
//! - **Its own nonces.** The next nonce is read once (the higher of the store's record and the
//!   node's pending count) and then counted here, so several transactions are in flight at once
//!   and signing one asks the node nothing but a simulation. Each transaction is recorded in
//!   the store with its nonce before it is broadcast ([`Store::record_submission`]), so a restart
//!   goes on from the store even when the node lost its pool.
//! - **In order.** Transactions are broadcast in nonce order, under one lock held from choosing
//!   the nonce to broadcasting. One the node refuses because a lower nonce is missing
//!   (`nonce too high`: the node restarted and lost the lower one) is kept and broadcast as soon as
//!   the nonce below it is.
//! - **Simulated at the limit it is sent with.** A call is simulated (`eth_call`) at the gas limit
//!   the last estimate for its destination gave; only when that fails, or for the first call, is
//!   it estimated (`eth_estimateGas`: several executions on geth and Nitro), and that estimate is
//!   the limit from then on. A call whose simulation reverts is never sent. A caller that knows a
//!   call is shaped like one that just simulated may send it at a limit of its own, unsimulated
//!   ([`GasLimit::Unsimulated`]).
//! - **Fees** are the node's suggestion, asked again after [`GasPolicy::fee_refresh`], never above
//!   [`GasPolicy::max_fee_per_gas`].
//! - **Nothing stuck.** [`TransactionManager::resolve`] follows a recorded transaction: mined, or
//!   replaced by another with its nonce (lost), or still out. One the node no longer holds is
//!   broadcast again with the same bytes; one the node refuses as underpriced, or that holds up
//!   the account's nonces for longer than the stuck timeout, is replaced by itself with fees
//!   raised by [`GasPolicy::bump_percent`] (and at least the node's suggestion), recorded first.
//!   A nonce that does not move while later ones wait ([`TransactionManager::fill_gap`]) gets the
//!   manager's own transaction for it broadcast again when the node lost it (an attestation,
//!   which is not recorded, included); one it has no transaction for (forgotten across a restart)
//!   is filled by a transfer of nothing to the account itself; and so is every nonce above it the
//!   node lacks, in the same look.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::Duration,
};

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::TransactionReceipt;
use mos_rpc::{decode_signed, ChainError, Fees, Refusal, Sender, SignedTransaction, Unsigned};
use tokio::time::Instant;

use crate::{
    config::GasPolicy,
    store::{now_ms, Store, StoreError, Submission},
};

/// Why a transaction was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Its simulation reverts, with this reason: nothing was signed.
    #[error("reverts: {0}")]
    Reverted(String),
    /// The chain's fee is above the policy's cap: nothing was signed.
    #[error("the chain asks {asked} wei per gas, above the configured cap of {cap}")]
    FeeAboveCap {
        /// The fee the node suggests.
        asked: u128,
        /// The cap.
        cap: u128,
    },
    /// A node failed, or refused the transaction. When the transaction was recorded first it is
    /// left to [`TransactionManager::resolve`].
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The transaction could not be recorded, so it was not broadcast.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// How [`TransactionManager::send`] finds a transaction's gas limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GasLimit {
    /// Simulated at the last estimate's limit for the destination, or estimated: a call that
    /// reverts is not sent.
    Simulated,
    /// This limit, without a simulation: for a call shaped like one that simulated before (the
    /// messenger keys deliveries by their shape). One that fails is mined as failed.
    Unsimulated(u64),
}

/// What became of a recorded transaction.
#[derive(Debug)]
pub enum TransactionState {
    /// Mined, and it succeeded.
    Mined(Box<TransactionReceipt>),
    /// Mined, and it failed.
    Failed(B256),
    /// Not mined yet.
    InFlight(Resent),
    /// It will never be mined: another transaction took its nonce.
    Lost,
}

/// What [`TransactionManager::resolve`] did for a transaction still out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resent {
    /// Nothing: it waits in the node's pool, or behind a lower nonce.
    Nothing,
    /// The node had lost it: the same bytes were broadcast again.
    Again,
    /// It was replaced by this one, with higher fees (already recorded).
    Replaced(Submission),
}

/// What a broadcast came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Broadcast {
    /// The node took it.
    Sent,
    /// The node holds it already.
    Known,
    /// The node refused it for a missing lower nonce: it goes out after that one.
    HeldBack,
}

/// The nonces of the account, under one lock.
#[derive(Debug, Default)]
struct Nonces {
    /// The next nonce to sign with; none until it is read (at start, and after the node said a
    /// nonce was used by a transaction this manager did not sign).
    next: Option<u64>,
    /// Transactions the node refused because a lower nonce was missing, by nonce: broadcast as
    /// soon as the one below them is.
    held_back: BTreeMap<u64, SignedTransaction>,
    /// The account's mined nonce when last seen below `next`, and since when (ms): a nonce that
    /// does not move for long is stuck.
    head: Option<(u64, u64)>,
    /// The last transaction this manager broadcast at each nonce not yet seen mined: what a stuck
    /// nonce is broadcast again with when the node lost it, recorded or not (an attestation is
    /// not recorded).
    broadcast: BTreeMap<u64, SignedTransaction>,
    /// Whether `head` counts as stuck because the node held nothing above its mined nonce when
    /// this manager started, though the store recorded nonces past it (not because it was seen
    /// not moving).
    lost_at_start: bool,
    /// Whether the last look moved [`MAX_MOVED_PER_LOOK`] nonces and left more the node lacks:
    /// the next look goes on at once.
    filling: bool,
}

/// How long a manager that starts with nonces the node lacks waits before it fills them (at most
/// its stuck timeout): the recorded transactions among them go out again in that time.
pub const RESTART_GRACE: Duration = Duration::from_secs(5);

/// The most nonces [`TransactionManager::fill_gap`] moves in one call: a longer run goes on at the
/// next call, so that one look at a chain never holds its nonces for long.
pub const MAX_MOVED_PER_LOOK: usize = 64;

/// What [`TransactionManager::fill_gap`] did for a stuck nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unstuck {
    /// The node had lost the transaction this manager broadcast at it: the same bytes were
    /// broadcast again.
    Again(B256),
    /// This manager holds no transaction for it (it was started since) or the node holds one
    /// that does not move: filled with this transfer of nothing to the account itself.
    Filled(B256),
}

/// The transaction manager of one account on one chain.
#[derive(Debug)]
pub struct TransactionManager {
    sender: Sender,
    store: Arc<dyn Store>,
    policy: GasPolicy,
    stuck_after: Duration,
    nonces: tokio::sync::Mutex<Nonces>,
    fees: std::sync::Mutex<Option<(Instant, Fees)>>,
    /// Per destination, the gas limit of the last estimate of a call to it.
    gas_limits: std::sync::Mutex<HashMap<Address, u64>>,
}

impl TransactionManager {
    /// The manager of `sender`'s account, recording in `store`, pricing by `policy`, and taking a
    /// transaction unmined for `stuck_after` as stuck.
    pub fn new(sender: Sender, store: Arc<dyn Store>, policy: GasPolicy, stuck_after: Duration) -> Self {
        Self {
            sender,
            store,
            policy,
            stuck_after,
            nonces: tokio::sync::Mutex::new(Nonces::default()),
            fees: std::sync::Mutex::new(None),
            gas_limits: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The account.
    pub fn sender(&self) -> &Sender {
        &self.sender
    }

    /// The gas limit to send a call of `input` to `to` with, found by simulating it: at the gas
    /// limit the last estimate for `to` gave (one execution, `eth_call`), and when that fails or
    /// there is none yet, by an estimate (`eth_estimateGas`, several executions), which becomes
    /// the limit for `to`'s next calls. Either way the call succeeded in simulation at the limit
    /// returned.
    async fn gas_limit(&self, to: Address, input: &Bytes) -> Result<u64, SendError> {
        let kind = TxKind::Call(to);
        if let Some(limit) = self.simulated_limit(to) {
            if self.sender.simulate(kind, input, U256::ZERO, limit).await.is_ok() {
                return Ok(limit);
            }
        }
        let limit = self.sender.gas_limit(kind, input, U256::ZERO).await.map_err(|error| match error {
            ChainError::Revert { reason, .. } => SendError::Reverted(reason),
            error => SendError::Chain(error),
        })?;
        if let Ok(mut limits) = self.gas_limits.lock() {
            limits.insert(to, limit);
        }
        Ok(limit)
    }

    /// The gas limit calls to `to` last simulated successfully at, if one has.
    fn simulated_limit(&self, to: Address) -> Option<u64> {
        self.gas_limits.lock().ok().and_then(|limits| limits.get(&to).copied())
    }

    /// The nonce the next transaction will be signed with, once the manager has read it.
    pub async fn next_nonce(&self) -> Option<u64> {
        self.nonces.lock().await.next
    }

    /// Finds the gas limit of a call of `input` to `to` as `gas` says (simulated: at the last
    /// estimate's limit for `to`, or estimated), then signs it with the next nonce, has `record`
    /// store it, and broadcasts it without waiting for it to be mined. Nothing is broadcast
    /// unless `record` succeeded; a nonce whose transaction was not recorded is used by the next
    /// one.
    ///
    /// # Errors
    /// [`SendError::Reverted`] when the simulation reverts; [`SendError::FeeAboveCap`];
    /// [`SendError::Store`] when `record` fails; [`SendError::Chain`] when a node fails or refuses
    /// the transaction (if it was recorded, [`TransactionManager::resolve`] takes it from there).
    pub async fn send(
        &self,
        to: Address,
        input: Bytes,
        gas: GasLimit,
        record: impl AsyncFnOnce(&Submission) -> Result<(), StoreError>,
    ) -> Result<Submission, SendError> {
        let kind = TxKind::Call(to);
        let gas_limit = match gas {
            GasLimit::Simulated => self.gas_limit(to, &input).await?,
            GasLimit::Unsimulated(limit) => limit,
        };
        let fees = self.fees().await?;
        let mut nonces = self.nonces.lock().await;
        let nonce = match nonces.next {
            Some(nonce) => nonce,
            None => self.first_nonce(&mut nonces).await?,
        };
        let unsigned = Unsigned { to: kind, input, value: U256::ZERO, nonce, gas_limit, fees };
        let signed = self.sender.sign_with(unsigned).await?;
        let submission = self.submission(&signed);
        record(&submission).await?;
        nonces.next = Some(nonce.saturating_add(1));
        self.broadcast(&mut nonces, &signed).await?;
        Ok(submission)
    }

    /// Follows a recorded transaction (signed by this account, or by another instance's: that one
    /// is only broadcast again, never replaced). A replacement is recorded with `record` before it
    /// is broadcast.
    ///
    /// # Errors
    /// [`SendError::Chain`] when the node cannot be asked, [`SendError::Store`] when a replacement
    /// cannot be recorded (it is not broadcast).
    pub async fn resolve(
        &self,
        submission: &Submission,
        record: impl AsyncFnOnce(&Submission) -> Result<(), StoreError>,
    ) -> Result<TransactionState, SendError> {
        let node = self.sender.chain();
        if let Some(receipt) = node.receipt(submission.transaction).await? {
            return Ok(mined(receipt));
        }
        let mined_nonce = node.mined_nonce(submission.sender).await?;
        if mined_nonce > submission.nonce {
            // Mined since the first look, or another transaction took its nonce.
            let receipt = node.receipt(submission.transaction).await?;
            return Ok(receipt.map_or(TransactionState::Lost, mined));
        }
        let ours = submission.sender == self.sender.address();
        let stuck = now_ms().saturating_sub(submission.at_ms) >= millis(self.stuck_after);
        if node.holds(submission.transaction).await? {
            if ours && stuck && submission.nonce == mined_nonce {
                return self.replace(submission, record).await;
            }
            return Ok(TransactionState::InFlight(Resent::Nothing));
        }
        let signed =
            SignedTransaction { hash: submission.transaction, raw: submission.raw.clone(), nonce: submission.nonce };
        let broadcast = if ours {
            let mut nonces = self.nonces.lock().await;
            self.broadcast(&mut nonces, &signed).await
        } else {
            self.sender.broadcast(&signed).await.map(|()| Broadcast::Sent)
        };
        match broadcast {
            Ok(Broadcast::Sent) => Ok(TransactionState::InFlight(Resent::Again)),
            Ok(Broadcast::Known | Broadcast::HeldBack) => Ok(TransactionState::InFlight(Resent::Nothing)),
            Err(error) => match error.refusal() {
                Some(Refusal::Underpriced) if ours => self.replace(submission, record).await,
                Some(Refusal::NonceTooHigh | Refusal::AlreadyKnown) => Ok(TransactionState::InFlight(Resent::Nothing)),
                Some(Refusal::NonceTooLow) => {
                    let receipt = node.receipt(submission.transaction).await?;
                    Ok(receipt.map_or(TransactionState::Lost, mined))
                }
                _ => Err(error.into()),
            },
        }
    }

    /// Moves the account's lowest open nonce when it has not moved for twice the stuck timeout
    /// while this manager has signed past it (every later transaction waits behind it), and with
    /// it every nonce above it up to the next one to sign that the node does not hold: once the
    /// lowest is stuck, nothing else moves those (transactions lost with a killed process or a
    /// node's pool leave runs of them), and filling one per timeout would leave the account stuck
    /// for as many timeouts. Each is moved as [`TransactionManager::move_nonce`] says, at most
    /// [`MAX_MOVED_PER_LOOK`] per call; a longer run goes on at the next call, without waiting
    /// again. What was done, lowest nonce first; nothing when no nonce was stuck.
    ///
    /// # Errors
    /// [`SendError::Chain`] when the node cannot be asked or refuses the transfer,
    /// [`SendError::FeeAboveCap`].
    pub async fn fill_gap(&self) -> Result<Vec<Unstuck>, SendError> {
        let mined_nonce = self.sender.chain().mined_nonce(self.sender.address()).await?;
        let now = now_ms();
        let mut nonces = self.nonces.lock().await;
        // A manager that has sent nothing yet reads where the account is, as a first send would: a
        // restarted one may have only recorded transactions to follow, held up by a nonce lost
        // with the process before, which nothing else would ever move.
        let next = match nonces.next {
            Some(next) => next,
            None => {
                let next = self.first_nonce(&mut nonces).await?;
                nonces.next = Some(next);
                next
            }
        };
        nonces.held_back.retain(|&nonce, _| nonce >= mined_nonce);
        nonces.broadcast.retain(|&nonce, _| nonce >= mined_nonce);
        if mined_nonce >= next {
            nonces.head = None;
            return Ok(Vec::new());
        }
        let since = match nonces.head {
            Some((nonce, since)) if nonce == mined_nonce => since,
            _ => {
                nonces.head = Some((mined_nonce, now));
                return Ok(Vec::new());
            }
        };
        let going_on = std::mem::take(&mut nonces.filling);
        if !going_on && now.saturating_sub(since) < millis(self.stuck_after).saturating_mul(2) {
            return Ok(Vec::new());
        }
        if std::mem::take(&mut nonces.lost_at_start) && self.sender.pending_nonce().await? > mined_nonce {
            // The node holds a transaction at the lowest nonce now (a recorded one broadcast again
            // since the start): it is waited for as any other.
            nonces.head = Some((mined_nonce, now));
            return Ok(Vec::new());
        }
        nonces.head = Some((mined_nonce, now));
        let mut moved = Vec::new();
        // Going on with a run: from the first nonce the node lacks (the lowest is moved already).
        let mut nonce = if going_on { self.sender.pending_nonce().await? } else { mined_nonce };
        while nonce < next && moved.len() < MAX_MOVED_PER_LOOK {
            moved.push(self.move_nonce(&mut nonces, nonce).await?);
            // The node's count with its pool: past this nonce, and past what was held back behind
            // it and went out with it. Where it stops is the next nonce the node lacks.
            let pending = self.sender.pending_nonce().await?;
            if pending <= nonce {
                break;
            }
            nonce = pending;
        }
        nonces.filling = moved.len() == MAX_MOVED_PER_LOOK && nonce < next;
        Ok(moved)
    }

    /// Moves stuck nonce `nonce`: the transaction this manager broadcast at it is broadcast again
    /// when the node lost it; otherwise (this manager holds none, it was started since, or the
    /// node holds one that does not move) the nonce is filled with a transfer of nothing to the
    /// account itself, at fees raised by the policy's bump (a delivery whose transaction it
    /// displaces finds it lost, and is delivered again).
    async fn move_nonce(&self, nonces: &mut Nonces, nonce: u64) -> Result<Unstuck, SendError> {
        if let Some(signed) = nonces.broadcast.get(&nonce).cloned() {
            match self.broadcast(nonces, &signed).await {
                Ok(Broadcast::Sent | Broadcast::HeldBack) => {
                    tracing::warn!(
                        chain = self.sender.chain_id(),
                        nonce,
                        transaction = %signed.hash,
                        "nonce stuck: the node had lost its transaction; broadcast it again"
                    );
                    return Ok(Unstuck::Again(signed.hash));
                }
                // In the pool and not moving: filled below.
                Ok(Broadcast::Known) => {}
                Err(error) => return Err(error.into()),
            }
        }
        let fees = self.capped(self.fees().await?.bumped(self.policy.bump_percent));
        let transfer = Unsigned {
            to: TxKind::Call(self.sender.address()),
            input: Bytes::new(),
            value: U256::ZERO,
            nonce,
            gas_limit: 21_000,
            fees,
        };
        let signed = self.sender.sign_with(transfer).await?;
        tracing::warn!(
            chain = self.sender.chain_id(),
            account = %self.sender.address(),
            nonce,
            transaction = %signed.hash,
            "nonce stuck with nothing to fill it; filling it with a transfer to the account itself"
        );
        self.broadcast(nonces, &signed).await?;
        Ok(Unstuck::Filled(signed.hash))
    }

    /// `submission` signed again with higher fees, recorded, then broadcast.
    async fn replace(
        &self,
        submission: &Submission,
        record: impl AsyncFnOnce(&Submission) -> Result<(), StoreError>,
    ) -> Result<TransactionState, SendError> {
        let (_, mut unsigned) = decode_signed(&submission.raw)?;
        let suggested = self.fees().await?;
        unsigned.fees = unsigned.fees.bumped(self.policy.bump_percent).max(suggested);
        if let Some(cap) = self.policy.max_fee_per_gas {
            if unsigned.fees.max_fee_per_gas > cap {
                tracing::warn!(transaction = %submission.transaction, cap, "stuck, and a replacement would pay above the cap");
                return Ok(TransactionState::InFlight(Resent::Nothing));
            }
        }
        let mut nonces = self.nonces.lock().await;
        let signed = self.sender.sign_with(unsigned).await?;
        let replacement = self.submission(&signed);
        record(&replacement).await?;
        tracing::info!(
            replaced = %submission.transaction,
            transaction = %replacement.transaction,
            nonce = replacement.nonce,
            "replaced a stuck transaction with higher fees"
        );
        match self.broadcast(&mut nonces, &signed).await {
            // The node keeps the first one (a pool that takes no replacements): whichever is mined
            // settles the delivery, the other is lost.
            Err(error) if error.refusal() == Some(Refusal::NonceTooLow) => {}
            broadcast => {
                broadcast?;
            }
        }
        Ok(TransactionState::InFlight(Resent::Replaced(replacement)))
    }

    /// Broadcasts `signed`, then whatever was held back behind it. One refused for a missing lower
    /// nonce is held back; one refused because its nonce is used makes the manager read its next
    /// nonce again.
    async fn broadcast(&self, nonces: &mut Nonces, signed: &SignedTransaction) -> Result<Broadcast, ChainError> {
        nonces.broadcast.insert(signed.nonce, signed.clone());
        let broadcast = match self.sender.broadcast(signed).await {
            Ok(()) => Broadcast::Sent,
            Err(error) => match error.refusal() {
                Some(Refusal::AlreadyKnown) => Broadcast::Known,
                Some(Refusal::NonceTooHigh) => {
                    nonces.held_back.insert(signed.nonce, signed.clone());
                    return Ok(Broadcast::HeldBack);
                }
                Some(Refusal::NonceTooLow) => {
                    nonces.next = None;
                    return Err(error);
                }
                _ => return Err(error),
            },
        };
        let mut nonce = signed.nonce.saturating_add(1);
        while let Some(next) = nonces.held_back.remove(&nonce) {
            match self.sender.broadcast(&next).await {
                Ok(()) => nonce = nonce.saturating_add(1),
                Err(error) if error.refusal() == Some(Refusal::AlreadyKnown) => nonce = nonce.saturating_add(1),
                Err(error) => {
                    tracing::warn!(transaction = %next.hash, nonce, %error, "a held-back transaction is refused");
                    if error.refusal() == Some(Refusal::NonceTooHigh) {
                        nonces.held_back.insert(nonce, next);
                    }
                    break;
                }
            }
        }
        Ok(broadcast)
    }

    /// The nonce to start from: the higher of the store's and the node's. When the store's is
    /// higher and the node holds nothing unmined, the node lost what an earlier run signed
    /// between them (a killed process, a node that lost its pool): the recorded transactions among
    /// them are broadcast again as their deliveries are followed, but nothing moves the others, so
    /// they count as stuck after [`RESTART_GRACE`] ([`TransactionManager::fill_gap`] moves them
    /// then) rather than after twice the stuck timeout, which a messenger restarted more often
    /// than that would never reach.
    async fn first_nonce(&self, nonces: &mut Nonces) -> Result<u64, SendError> {
        let pending = self.sender.pending_nonce().await?;
        let recorded = self.store.next_nonce(self.sender.chain_id(), self.sender.address()).await?;
        let next = recorded.map_or(pending, |recorded| recorded.max(pending));
        if next > pending && self.sender.chain().mined_nonce(self.sender.address()).await? == pending {
            // Stuck once [`RESTART_GRACE`] (or the stuck timeout, if shorter) has passed, rather
            // than twice the stuck timeout: time enough for the recorded transactions among them
            // to be broadcast again by the deliveries that follow them, not for a filler.
            let timeout = millis(self.stuck_after);
            let grace = timeout.min(millis(RESTART_GRACE));
            nonces.head = Some((pending, now_ms().saturating_sub(timeout.saturating_mul(2)).saturating_add(grace)));
            nonces.lost_at_start = true;
        }
        Ok(next)
    }

    /// The node's fee suggestion, lowered to the cap, asked again after the policy's refresh time.
    ///
    /// # Errors
    /// [`SendError::Chain`], [`SendError::FeeAboveCap`].
    async fn fees(&self) -> Result<Fees, SendError> {
        let cached = self.fees.lock().ok().and_then(|fees| *fees);
        if let Some((at, fees)) = cached {
            if at.elapsed() < self.policy.fee_refresh {
                return Ok(fees);
            }
        }
        let suggested = self.sender.fees().await?;
        let fees = match self.policy.max_fee_per_gas {
            // The suggestion leaves room above the base fee: pay up to the cap, if the base fee
            // is below it.
            Some(cap) if suggested.max_fee_per_gas > cap => {
                let base_fee = u128::from(self.sender.chain().base_fee().await?);
                if base_fee > cap {
                    return Err(SendError::FeeAboveCap { asked: base_fee, cap });
                }
                self.capped(suggested)
            }
            _ => suggested,
        };
        if let Ok(mut cache) = self.fees.lock() {
            *cache = Some((Instant::now(), fees));
        }
        Ok(fees)
    }

    /// `fees` lowered to the policy's cap, if it has one.
    fn capped(&self, fees: Fees) -> Fees {
        match self.policy.max_fee_per_gas {
            Some(cap) => Fees {
                max_fee_per_gas: fees.max_fee_per_gas.min(cap),
                max_priority_fee_per_gas: fees.max_priority_fee_per_gas.min(cap),
            },
            None => fees,
        }
    }

    fn submission(&self, signed: &SignedTransaction) -> Submission {
        Submission {
            chain_id: self.sender.chain_id(),
            transaction: signed.hash,
            raw: signed.raw.clone(),
            sender: self.sender.address(),
            nonce: signed.nonce,
            at_ms: now_ms(),
        }
    }
}

/// A mined transaction's state, from its receipt.
fn mined(receipt: TransactionReceipt) -> TransactionState {
    if receipt.status() {
        TransactionState::Mined(Box::new(receipt))
    } else {
        TransactionState::Failed(receipt.transaction_hash)
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
