//! `mos order-id`.

use alloy_primitives::{Address, Bytes, U256};
use serde_json::json;

use crate::Report;

/// Arguments of `mos order-id`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The MOS address dApps call on the source chain.
    #[arg(long, value_parser = crate::input::address)]
    pub mos: Address,
    /// The MOS's nonce before the send (decimal or 0x-hex).
    #[arg(long)]
    pub nonce: U256,
    /// The source chain id.
    #[arg(long)]
    pub from_chain: U256,
    /// The destination chain id.
    #[arg(long)]
    pub to_chain: U256,
    /// The dApp that called transferOut.
    #[arg(long, value_parser = crate::input::address)]
    pub sender: Address,
    /// The message's target bytes, hex.
    #[arg(long)]
    pub target: Bytes,
}

/// Computes the orderId the MOS assigns.
pub fn run(args: &Args) -> Report {
    let order = mos_message::order_id(args.mos, args.nonce, args.from_chain, args.to_chain, args.sender, &args.target);
    let mut report = Report::new(json!({ "orderId": order.to_string() }));
    report.text = format!("{order}\n");
    report
}
