//! Reading a MOS's `mapMessageOut` logs into the source transactions that carry them.

use alloy_primitives::{Address, B256};
use alloy_rpc_types_eth::Filter;
use mos_message::MessageOut;
use mos_rpc::{Chain, ChainError};

use crate::store::NewDelivery;

/// The source transactions with `mapMessageOut` logs of `mos` in blocks `from..=to` (only those
/// toward `to_chain`, topic 2, when given), each with its orders in log order, in block order.
/// Logs that are not the MOS's `mapMessageOut`, were removed by a reorganisation, or lack their
/// transaction or block are left out, with a warning.
///
/// # Errors
/// [`ChainError::Rpc`] when `eth_getLogs` fails.
pub async fn messages_out(
    chain: &dyn Chain,
    mos: Address,
    to_chain: Option<B256>,
    from: u64,
    to: u64,
) -> Result<Vec<NewDelivery>, ChainError> {
    let mut filter = Filter::new().address(mos).event_signature(MessageOut::TOPIC).from_block(from).to_block(to);
    if let Some(topic) = to_chain {
        filter = filter.topic2(topic);
    }
    let logs = chain.logs(&filter).await?;
    let mut found: Vec<NewDelivery> = Vec::new();
    for log in logs.iter().filter(|log| !log.removed) {
        let (Some(transaction), Some(block), Some(block_hash)) =
            (log.transaction_hash, log.block_number, log.block_hash)
        else {
            tracing::warn!(%mos, "a log without its transaction or block; skipped");
            continue;
        };
        let message = match MessageOut::decode(log.address(), log.topics(), &log.data().data) {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(%transaction, %error, "not a mapMessageOut; skipped");
                continue;
            }
        };
        match found.iter_mut().find(|delivery| delivery.source_transaction == transaction) {
            Some(delivery) => delivery.orders.push(message.order_id),
            None => found.push(NewDelivery {
                source_transaction: transaction,
                source_block: block,
                source_block_hash: block_hash,
                orders: vec![message.order_id],
            }),
        }
    }
    Ok(found)
}
