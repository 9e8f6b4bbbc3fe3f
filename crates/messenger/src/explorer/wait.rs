//! Why a message that is not delivered yet waits: one reason for each step a hop can be held at,
//! worked out from what the chains and the messenger's store say of it ([`HopFacts`]), in the
//! order the steps come: the source block's confirmations, the destination's gas limit, the
//! messenger picking it up, the destination refusing it, the block's attestation, the
//! messenger's funds, its transaction in flight, its retries.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::store::Stage;

/// What a message's current hop waits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Wait {
    /// The source block has fewer blocks on top of it than the messenger waits for.
    #[serde(rename_all = "camelCase")]
    Confirmations {
        /// The source chain.
        chain: String,
        /// The block with the message.
        block: u64,
        /// Blocks on top of it now.
        have: u64,
        /// Blocks on top of it the messenger waits for.
        need: u64,
    },
    /// The message's `gasLimit` is more than the destination can give its target.
    #[serde(rename_all = "camelCase")]
    GasLimitTooHigh {
        /// The destination chain.
        on: String,
        /// The message's `gasLimit`.
        #[serde(with = "super::journey::decimal")]
        gas_limit: U256,
        /// The most the destination accepts.
        accepted: u64,
        /// What sets that bound: its MOS's `gasLimitMax`, or its blocks' gas limit.
        bound: GasBound,
    },
    /// No messenger has taken the message up yet: its scan of the source chain is not past the
    /// block, or no messenger serves the hop.
    #[serde(rename_all = "camelCase")]
    NotPickedUp {
        /// The source chain.
        chain: String,
        /// The destination chain.
        to: String,
        /// The block with the message.
        block: u64,
        /// The first block the messenger has not read yet, when it serves the hop.
        scanned_to: Option<u64>,
    },
    /// The destination's MOS refuses the delivery: the messenger recorded it as failed with the
    /// MOS's revert string, and does not try again until asked.
    #[serde(rename_all = "camelCase")]
    Refused {
        /// The destination chain.
        on: String,
        /// What the destination said.
        reason: String,
    },
    /// The destination's light node has no attestation of the source block: the committee's
    /// signatures are missing.
    #[serde(rename_all = "camelCase")]
    NotAttested {
        /// The source chain.
        chain: String,
        /// The destination chain.
        on: String,
        /// The source block.
        block: u64,
        /// The light node that must hold its attestation.
        light_node: Address,
        /// Signatures the light node needs.
        threshold: u64,
        /// Members of the committee that may sign.
        committee: u64,
    },
    /// The destination's MAP light node does not hold the source block's epoch yet: the epoch
    /// updates (each epoch's last header, sealed by its validators) come first.
    #[serde(rename_all = "camelCase")]
    EpochNotHeld {
        /// The source (relay) chain.
        chain: String,
        /// The destination chain.
        on: String,
        /// The source block.
        block: u64,
        /// Its epoch.
        epoch: u64,
        /// The latest epoch the light node holds.
        held: u64,
        /// The light node.
        light_node: Address,
    },
    /// The messenger's account on the destination cannot pay for the delivery.
    #[serde(rename_all = "camelCase")]
    NoFunds {
        /// The destination chain.
        on: String,
        /// The messenger's account there.
        account: Address,
        /// Its balance, in wei.
        #[serde(with = "super::journey::decimal")]
        balance: U256,
        /// What the delivery would cost at the chain's fee now, at least, in wei.
        #[serde(with = "super::journey::decimal")]
        needed: U256,
    },
    /// The delivery transaction is out and not mined yet.
    #[serde(rename_all = "camelCase")]
    InFlight {
        /// The destination chain.
        on: String,
        /// The transaction.
        transaction: B256,
        /// When it was signed (milliseconds since the Unix epoch).
        since_ms: u64,
    },
    /// The last attempt did not deliver, for a reason that may pass; the messenger tries again.
    #[serde(rename_all = "camelCase")]
    Retrying {
        /// The destination chain.
        on: String,
        /// Failed attempts since the last progress.
        attempts: u32,
        /// What the last one ran into.
        error: String,
    },
    /// The messenger has the delivery and sends it in its next round.
    #[serde(rename_all = "camelCase")]
    Queued {
        /// The destination chain.
        on: String,
    },
    /// Nothing above holds it, and no messenger store was given to say whether a messenger has it.
    #[serde(rename_all = "camelCase")]
    Unwatched {
        /// The destination chain.
        on: String,
    },
}

/// What sets the most gas a destination gives a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GasBound {
    /// The destination MOS's `gasLimitMax()`.
    MosLimit,
    /// The gas limit of the destination's blocks, less what a delivery needs besides the target.
    BlockLimit,
}

impl Wait {
    /// The reason in words a dApp developer acts on.
    pub fn text(&self) -> String {
        match self {
            Self::Confirmations { chain, block, have, need } => format!(
                "waiting for confirmations: block {block} of {chain} has {have} of the {need} blocks on top of it the \
                 messenger waits for"
            ),
            Self::GasLimitTooHigh { on, gas_limit, accepted, bound } => {
                let by = match bound {
                    GasBound::MosLimit => "its MOS's gasLimitMax",
                    GasBound::BlockLimit => "its block gas limit, less the delivery's own gas",
                };
                format!(
                    "gas limit too high: the message asks {gas_limit} gas for its target, and {on} gives at most \
                     {accepted} ({by}); send it again with a lower gasLimit"
                )
            }
            Self::NotPickedUp { chain, to, block, scanned_to: Some(next) } => format!(
                "not picked up yet: the messenger has read {chain} up to block {}, and the message is in block {block} \
                 (toward {to})",
                next.saturating_sub(1)
            ),
            Self::NotPickedUp { chain, to, block, scanned_to: None } => format!(
                "not picked up: no messenger with this store serves {chain} → {to} (the message is in block {block})"
            ),
            Self::Refused { on, reason } => format!(
                "{on} refuses the delivery: {reason}; the messenger tries again only when asked \
                 (mos messenger --retry-failed)"
            ),
            Self::NotAttested { chain, on, block, light_node, threshold, committee } => format!(
                "block {block} of {chain} is not attested on {on}: its light node {light_node} needs {threshold} of \
                 the committee's {committee} signatures, and has none for it yet"
            ),
            Self::EpochNotHeld { chain, on, block, epoch, held, light_node } => format!(
                "block {block} of {chain} is in epoch {epoch}, and the MAP light node {light_node} on {on} holds \
                 epochs up to {held}: the messenger gives it each epoch's last header, sealed by its validators, \
                 first"
            ),
            Self::NoFunds { on, account, balance, needed } => format!(
                "the messenger has no funds on {on}: its account {account} holds {balance} wei and the delivery needs \
                 about {needed}; fund it"
            ),
            Self::InFlight { on, transaction, .. } => {
                format!("delivery transaction {transaction} sent to {on}, waiting to be mined")
            }
            Self::Retrying { on, attempts, error } => {
                format!("the delivery to {on} did not go through ({attempts} attempts so far): {error}; trying again")
            }
            Self::Queued { on } => format!("picked up: the messenger sends it to {on} in its next round"),
            Self::Unwatched { on } => format!(
                "not delivered to {on} yet; nothing on chain holds it up (give the messenger's store to see what the \
                 messenger is doing with it)"
            ),
        }
    }
}

/// What the messenger's store says of a hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessengerFacts {
    /// The first source block the messenger has not read for the hop; none when no messenger of
    /// the store serves it.
    pub next_block: Option<u64>,
    /// Its delivery of the message, when it has one.
    pub delivery: Option<DeliveryFacts>,
}

/// A delivery, as far as the reason goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryFacts {
    /// Where it stands.
    pub stage: Stage,
    /// Failed attempts since the last progress.
    pub attempts: u32,
    /// The last attempt's error, or the refusal.
    pub last_error: Option<String>,
    /// The delivery transaction out, and when it was signed.
    pub submission: Option<(B256, u64)>,
}

/// Everything that can hold a hop up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopFacts {
    /// The source chain's name.
    pub from: String,
    /// The destination chain's name.
    pub to: String,
    /// The source block with the message.
    pub block: u64,
    /// The source chain's head, when read.
    pub head: Option<u64>,
    /// Blocks on top of the source block the messenger waits for.
    pub confirmations: u64,
    /// The message's `gasLimit`.
    pub gas_limit: U256,
    /// The most gas the destination gives a target, and what sets it, when read.
    pub accepted_gas: Option<(u64, GasBound)>,
    /// Whether the destination's light node holds the source block's hash; none when unread or
    /// for a MAP light node.
    pub attested: Option<bool>,
    /// For a MAP light node: the source block's epoch and the latest epoch the node holds; none
    /// when unread or for a committee light node.
    pub epoch: Option<(u64, u64)>,
    /// The light node on the destination that verifies the source chain.
    pub light_node: Address,
    /// Its committee's threshold and size.
    pub committee: (u64, u64),
    /// The messenger's account on the destination, its balance, and what a delivery needs.
    pub funds: Option<(Address, U256, U256)>,
    /// What the store says; none without a store.
    pub messenger: Option<MessengerFacts>,
}

/// The node's words for an account that cannot pay (geth's, and the devnet's).
const INSUFFICIENT_FUNDS: &str = "insufficient funds";

/// Why the hop waits: the first of its steps that holds it.
pub fn classify(facts: &HopFacts) -> Wait {
    let (chain, on) = (facts.from.clone(), facts.to.clone());
    if let Some(head) = facts.head {
        let have = head.saturating_sub(facts.block);
        if head < facts.block || have < facts.confirmations {
            return Wait::Confirmations { chain, block: facts.block, have, need: facts.confirmations };
        }
    }
    if let Some((accepted, bound)) = facts.accepted_gas {
        if facts.gas_limit > U256::from(accepted) {
            return Wait::GasLimitTooHigh { on, gas_limit: facts.gas_limit, accepted, bound };
        }
    }
    let delivery = match &facts.messenger {
        Some(MessengerFacts { next_block, delivery: None }) => {
            return Wait::NotPickedUp { chain, to: on, block: facts.block, scanned_to: *next_block };
        }
        Some(MessengerFacts { delivery: Some(delivery), .. }) => Some(delivery),
        None => None,
    };
    if let Some(DeliveryFacts { stage: Stage::Failed, last_error, .. }) = delivery {
        let reason = last_error.clone().unwrap_or_else(|| "no reason was recorded".to_owned());
        return Wait::Refused { on, reason };
    }
    if facts.attested == Some(false) {
        let (threshold, committee) = facts.committee;
        return Wait::NotAttested { chain, on, block: facts.block, light_node: facts.light_node, threshold, committee };
    }
    if let Some((epoch, held)) = facts.epoch.filter(|(epoch, held)| epoch > held) {
        let (chain, block, light_node) = (chain.clone(), facts.block, facts.light_node);
        return Wait::EpochNotHeld { chain, on, block, epoch, held, light_node };
    }
    let broke = facts.funds.filter(|(_, balance, needed)| balance < needed);
    let said_broke = delivery.and_then(|d| d.last_error.as_deref()).is_some_and(|e| e.contains(INSUFFICIENT_FUNDS));
    if let Some((account, balance, needed)) = broke.or(facts.funds.filter(|_| said_broke)) {
        return Wait::NoFunds { on, account, balance, needed };
    }
    match delivery {
        Some(DeliveryFacts { submission: Some((transaction, since_ms)), .. }) => {
            Wait::InFlight { on, transaction: *transaction, since_ms: *since_ms }
        }
        Some(DeliveryFacts { last_error: Some(error), attempts, .. }) => {
            Wait::Retrying { on, attempts: *attempts, error: error.clone() }
        }
        Some(_) => Wait::Queued { on },
        None => Wait::Unwatched { on },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hop from chain A's block 100 to the relay with nothing holding it but what each test sets.
    fn facts() -> HopFacts {
        HopFacts {
            from: "chain-a".into(),
            to: "relay".into(),
            block: 100,
            head: Some(110),
            confirmations: 2,
            gas_limit: U256::from(200_000),
            accepted_gas: Some((10_000_000, GasBound::MosLimit)),
            attested: Some(true),
            epoch: None,
            light_node: Address::repeat_byte(0x11),
            committee: (2, 3),
            funds: Some((Address::repeat_byte(0x22), U256::from(10u64.pow(18)), U256::from(10u64.pow(15)))),
            messenger: Some(MessengerFacts {
                next_block: Some(111),
                delivery: Some(DeliveryFacts {
                    stage: Stage::Pending,
                    attempts: 0,
                    last_error: None,
                    submission: None,
                }),
            }),
        }
    }

    fn delivery(facts: &mut HopFacts) -> &mut DeliveryFacts {
        facts.messenger.as_mut().unwrap().delivery.as_mut().unwrap()
    }

    #[test]
    fn a_block_of_an_epoch_the_map_light_node_does_not_hold_waits_for_the_epoch_updates() {
        let held = HopFacts { attested: None, epoch: Some((7, 7)), ..facts() };
        assert_eq!(classify(&held), Wait::Queued { on: "relay".into() });
        let wait = classify(&HopFacts { attested: None, epoch: Some((9, 7)), ..facts() });
        let expected = Wait::EpochNotHeld {
            chain: "chain-a".into(),
            on: "relay".into(),
            block: 100,
            epoch: 9,
            held: 7,
            light_node: Address::repeat_byte(0x11),
        };
        assert_eq!(wait, expected);
        assert_eq!(
            wait.text(),
            "block 100 of chain-a is in epoch 9, and the MAP light node 0x1111111111111111111111111111111111111111 on \
             relay holds epochs up to 7: the messenger gives it each epoch's last header, sealed by its validators, \
             first"
        );
        assert_eq!(serde_json::to_value(&wait).unwrap()["kind"], "epochNotHeld");
    }

    #[test]
    fn a_block_short_of_its_confirmations_waits_for_them() {
        let wait = classify(&HopFacts { head: Some(101), ..facts() });
        assert_eq!(wait, Wait::Confirmations { chain: "chain-a".into(), block: 100, have: 1, need: 2 });
        assert_eq!(
            wait.text(),
            "waiting for confirmations: block 100 of chain-a has 1 of the 2 blocks on top of it the messenger waits for"
        );
        // A node behind the block it was seen in: none yet.
        assert!(matches!(classify(&HopFacts { head: Some(90), ..facts() }), Wait::Confirmations { have: 0, .. }));
        // Enough: on to the next step.
        assert_eq!(classify(&HopFacts { head: Some(102), ..facts() }), Wait::Queued { on: "relay".into() });
    }

    #[test]
    fn a_gas_limit_above_what_the_destination_gives_says_which_bound() {
        let wait = classify(&HopFacts { gas_limit: U256::from(30_000_000), ..facts() });
        assert_eq!(
            wait.text(),
            "gas limit too high: the message asks 30000000 gas for its target, and relay gives at most 10000000 \
             (its MOS's gasLimitMax); send it again with a lower gasLimit"
        );
        let blocks = HopFacts { accepted_gas: Some((5_000_000, GasBound::BlockLimit)), ..facts() };
        let wait = classify(&HopFacts { gas_limit: U256::from(6_000_000), ..blocks });
        assert!(matches!(wait, Wait::GasLimitTooHigh { accepted: 5_000_000, bound: GasBound::BlockLimit, .. }));
    }

    #[test]
    fn a_message_the_messenger_has_not_read_yet_is_not_picked_up() {
        let mut behind = facts();
        behind.messenger = Some(MessengerFacts { next_block: Some(95), delivery: None });
        let wait = classify(&behind);
        assert_eq!(
            wait.text(),
            "not picked up yet: the messenger has read chain-a up to block 94, and the message is in block 100 \
             (toward relay)"
        );
        behind.messenger = Some(MessengerFacts { next_block: None, delivery: None });
        assert_eq!(
            classify(&behind).text(),
            "not picked up: no messenger with this store serves chain-a → relay (the message is in block 100)"
        );
    }

    #[test]
    fn a_delivery_the_destination_refuses_gives_the_mos_reason() {
        let mut refused = facts();
        *delivery(&mut refused) = DeliveryFacts {
            stage: Stage::Failed,
            attempts: 0,
            last_error: Some("MOSV3: Invalid chain id".into()),
            submission: None,
        };
        let wait = classify(&refused);
        assert_eq!(wait, Wait::Refused { on: "relay".into(), reason: "MOSV3: Invalid chain id".into() });
        assert!(wait.text().starts_with("relay refuses the delivery: MOSV3: Invalid chain id; "), "{}", wait.text());
    }

    #[test]
    fn a_block_without_its_attestation_names_the_light_node_and_the_signatures_it_needs() {
        let wait = classify(&HopFacts { attested: Some(false), ..facts() });
        assert_eq!(
            wait.text(),
            format!(
                "block 100 of chain-a is not attested on relay: its light node {} needs 2 of the committee's 3 \
                 signatures, and has none for it yet",
                Address::repeat_byte(0x11)
            )
        );
        // Unread: not a reason.
        assert_eq!(classify(&HopFacts { attested: None, ..facts() }), Wait::Queued { on: "relay".into() });
    }

    #[test]
    fn a_messenger_without_funds_is_named_from_its_balance_or_from_the_node_refusing_it() {
        let account = Address::repeat_byte(0x22);
        let poor = HopFacts { funds: Some((account, U256::from(5), U256::from(1_000))), ..facts() };
        assert_eq!(
            classify(&poor),
            Wait::NoFunds { on: "relay".into(), account, balance: U256::from(5), needed: U256::from(1_000) }
        );
        assert!(classify(&poor).text().ends_with("holds 5 wei and the delivery needs about 1000; fund it"));
        // Enough for the cheapest delivery, not for this one: the node said so.
        let mut refused = facts();
        delivery(&mut refused).last_error =
            Some("eth_sendRawTransaction: insufficient funds for gas * price + value".into());
        delivery(&mut refused).attempts = 3;
        assert!(matches!(classify(&refused), Wait::NoFunds { .. }));
    }

    #[test]
    fn a_delivery_under_way_is_in_flight_retrying_or_queued() {
        let mut out = facts();
        delivery(&mut out).submission = Some((B256::repeat_byte(9), 1_000));
        let wait = classify(&out);
        assert_eq!(wait, Wait::InFlight { on: "relay".into(), transaction: B256::repeat_byte(9), since_ms: 1_000 });
        let mut failing = facts();
        delivery(&mut failing).attempts = 2;
        delivery(&mut failing).last_error = Some("proof: eth_getBlockReceipts failed".into());
        assert_eq!(
            classify(&failing).text(),
            "the delivery to relay did not go through (2 attempts so far): proof: eth_getBlockReceipts failed; trying \
             again"
        );
        assert_eq!(classify(&facts()).text(), "picked up: the messenger sends it to relay in its next round");
    }

    #[test]
    fn without_a_store_only_the_chains_speak() {
        let alone = HopFacts { messenger: None, ..facts() };
        assert_eq!(classify(&alone), Wait::Unwatched { on: "relay".into() });
        assert!(matches!(classify(&HopFacts { attested: Some(false), ..alone }), Wait::NotAttested { .. }));
    }

    #[test]
    fn a_reason_reads_back_from_its_json() {
        let wait = Wait::NotAttested {
            chain: "relay".into(),
            on: "chain-b".into(),
            block: 7,
            light_node: Address::repeat_byte(1),
            threshold: 2,
            committee: 3,
        };
        let json = serde_json::to_value(&wait).unwrap();
        assert_eq!(
            (&json["kind"], &json["lightNode"]),
            (&"notAttested".into(), &Address::repeat_byte(1).to_string().into())
        );
        assert_eq!(serde_json::from_value::<Wait>(json).unwrap(), wait);
    }
}
