//! The explorer checked against the chains at the end of every end-to-end test
//! ([`crate::Harness::finish`]): each message the run sent, as the explorer tells its journey,
//! is what the MOS events on the chains say, read here on their own.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{B256, U256};
use mos_message::interfaces::IMOSV3;
use mos_messenger::explorer::{
    journey::{Journey, Status, StepKind},
    Explorer, Settings,
};

use crate::Harness;

/// The transactions of a journey's steps of the kinds given, in order.
fn transactions(journey: &Journey, kinds: &[StepKind]) -> Vec<B256> {
    journey.steps.iter().filter(|step| kinds.contains(&step.kind)).map(|step| step.transaction).collect()
}

/// Checks every order the MOSs of the run emitted an event for: the explorer's first step is its
/// source's `mapMessageOut`, its forwarding steps the relay's `mapMessageOut`s of it, its
/// execution steps the destination's `mapMessageIn`s of it in order, and its status what those
/// say (the last result, `retried` after a failure, under way without one).
///
/// # Panics
/// When a journey differs from the events, naming the order.
pub async fn assert_explorer_agrees(harness: &Harness) {
    let network = &harness.network;
    let explorer = Explorer::connect(&network.deployment, None, Settings::default()).unwrap();
    let relay = network.ids.relay;
    let chains = [network.ids.a, relay, network.ids.b];
    let mut outs = BTreeMap::new();
    let mut ins = BTreeMap::new();
    for chain in chains {
        outs.insert(chain, harness.events::<IMOSV3::mapMessageOut>(chain).await);
        ins.insert(chain, harness.events::<IMOSV3::mapMessageIn>(chain).await);
    }
    let orders: BTreeSet<B256> = outs
        .values()
        .flatten()
        .map(|(_, event)| event.orderId)
        .chain(ins.values().flatten().map(|(_, event)| event.orderId))
        .collect();
    for order in orders {
        let journey = explorer.journey(order).await;
        let source = chains.iter().find_map(|&chain| {
            outs[&chain]
                .iter()
                .find(|(_, event)| event.orderId == order && event.fromChain == U256::from(chain))
                .map(|(transaction, event)| (chain, *transaction, event.toChain))
        });
        let destination = source.map(|(_, _, to)| to).or_else(|| {
            ins.values().flatten().find(|(_, event)| event.orderId == order).map(|(_, event)| event.toChain)
        });
        let destination: u64 = destination.unwrap_or_else(|| panic!("{order}: no route")).to();
        if let Some((chain, transaction, _)) = source {
            let first = journey.steps.first().unwrap_or_else(|| panic!("{order}: no steps: {journey:#?}"));
            assert_eq!(
                (first.kind, first.chain.chain_id, first.transaction),
                (StepKind::Sent, chain, transaction),
                "{order}"
            );
        }
        let forwarded: Vec<B256> = outs[&relay]
            .iter()
            .filter(|(_, event)| event.orderId == order && event.fromChain != U256::from(relay))
            .map(|(transaction, _)| *transaction)
            .collect();
        assert_eq!(transactions(&journey, &[StepKind::Forwarded]), forwarded, "{order}: forwarded");
        let executions: Vec<(B256, bool)> = ins[&destination]
            .iter()
            .filter(|(_, event)| event.orderId == order && event.toChain == U256::from(destination))
            .map(|(transaction, event)| (*transaction, event.result))
            .collect();
        let shown = transactions(&journey, &[StepKind::Executed, StepKind::Retried]);
        assert_eq!(shown, executions.iter().map(|(transaction, _)| *transaction).collect::<Vec<_>>(), "{order}");
        let expected = match executions.as_slice() {
            [] if forwarded.is_empty() => Status::Sent,
            [] => Status::Relayed,
            [.., (_, false)] => Status::Failed,
            [(_, false), .., (_, true)] => Status::Retried,
            [.., (_, true)] => Status::Delivered,
        };
        assert_eq!(journey.status, expected, "{order}: {journey:#?}");
    }
}
