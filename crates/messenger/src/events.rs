//! What the messenger reports as it goes, besides its logs: for tests, benchmarks and embedders.

use std::time::Duration;

use alloy_primitives::{Address, B256};

use crate::{route::RouteId, store::Outcome};

/// Something the messenger did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A source transaction with messages for the route.
    Found {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// Its block.
        source_block: u64,
        /// Its orders, in log order.
        orders: Vec<B256>,
    },
    /// The messenger attested a source block to the destination's light node.
    Attested {
        /// The route.
        route: RouteId,
        /// The source block.
        block: u64,
        /// The light node.
        light_node: Address,
        /// The `updateBlockHeader` transaction.
        transaction: B256,
    },
    /// The messenger moved the destination's MAP light node to the next epoch of the relay chain
    /// (`updateBlockHeader` with the last header of the epoch it held, sealed by its validators).
    EpochUpdated {
        /// The route.
        route: RouteId,
        /// The epoch the light node holds now.
        epoch: u64,
        /// The header given: the last block of the epoch before.
        block: u64,
        /// The light node.
        light_node: Address,
        /// The `updateBlockHeader` transaction.
        transaction: B256,
    },
    /// Orders of a source transaction were delivered.
    Delivered {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// The delivery transaction (none when the destination had every order already).
        transaction: Option<B256>,
        /// The block of the delivery transaction.
        block: Option<u64>,
        /// What became of each order.
        outcomes: Vec<Outcome>,
        /// From the scan finding the source transaction to now.
        latency: Duration,
    },
    /// A stuck delivery transaction was replaced by the same one with higher fees.
    Replaced {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// The transaction replaced.
        replaced: B256,
        /// The replacement.
        transaction: B256,
    },
    /// An attempt failed for a reason that may pass: it will be tried again.
    Retrying {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// Failed attempts so far.
        attempts: u32,
        /// What went wrong.
        error: String,
        /// When it is tried again.
        delay: Duration,
    },
    /// The destination refuses the delivery: recorded as failed.
    Refused {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// Its orders.
        orders: Vec<B256>,
        /// The destination's reason.
        reason: String,
    },
}
