//! The committee light node and the light-client manager on the devnet, from their real wasm:
//! attestations and rotations, receipt proofs of real devnet blocks and every way to tamper with
//! them, the manager's forwarding, the MOS delivering messages they prove, and their gas
//! (docs/gas.md "## Light client"; run `gas` with `--nocapture` for the table).

mod gas;
mod manager;
mod mos;
mod node;
mod verify;

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_sol_types::{SolCall, SolValue};
use light_client_iface::interfaces::ILightNode;
use mos_tests::light_client::*;
use mos_tests::*;

/// A chain's suite with a committee light node of [`committee`] (epoch 1), and the source chain.
struct Fixture {
    suite: Suite,
    node: Address,
    committee: Committee,
    source: SourceChain,
}

/// Three members, two of whom must sign.
fn committee() -> Committee {
    Committee::new(0x1000, 3, 2)
}

fn fixture() -> Fixture {
    let committee = committee();
    let mut suite = Suite::chain();
    let node = suite.committee_light_node(&committee);
    Fixture { suite, node, committee, source: SourceChain::new() }
}

impl Fixture {
    /// Emits `logs` in a block of `receipts` transactions (at `position`) and attests the block;
    /// `(block number, receipt index)`.
    fn attested_receipt(&mut self, logs: &[Log], receipts: usize, position: usize) -> (u64, u64) {
        let (number, index) = self.source.emit_in_block(logs, receipts, position);
        let block = self.source.block(number).clone();
        self.suite.attest(self.node, &self.committee, 1, &block);
        (number, index)
    }

    /// `verifyProofData(proof)` of the light node, decoded.
    fn verify(&mut self, proof: &[u8]) -> (bool, String, Bytes) {
        verify_at(&mut self.suite, self.node, proof)
    }
}

/// `verifyProofData(proof)` of the light node at `node`: never a revert.
fn verify_at(suite: &mut Suite, node: Address, proof: &[u8]) -> (bool, String, Bytes) {
    let answer = suite.view(node, verify_call(proof));
    (answer.success, answer.message, answer.logs)
}

/// Logs with three topics each, as the emitter emits them.
fn logs(count: usize, data_len: usize) -> Vec<Log> {
    (0..count)
        .map(|i| {
            let topic = |k: u64| B256::from(U256::from(1000 * i as u64 + k));
            emitted([topic(1), topic(2), topic(3)], &vec![i as u8; data_len])
        })
        .collect()
}

/// What the light node must answer for a proven receipt with `logs`.
fn proven(logs: &[Log]) -> (bool, String, Bytes) {
    (true, String::new(), light_client_iface::encode_log_list(logs).into())
}

/// A failed proof's answer.
fn failed(message: &str) -> (bool, String, Bytes) {
    (false, message.to_owned(), Bytes::new())
}

/// The answer of `verifyProofData` as return data, for comparing forwarded answers byte for byte.
fn answer_bytes(answer: &(bool, String, Bytes)) -> Vec<u8> {
    <ILightNode::verifyProofDataCall as SolCall>::abi_encode_returns_tuple(&(
        answer.0,
        answer.1.clone(),
        answer.2.clone(),
    ))
}

/// `abi.encode` of a value, for building calldata by hand.
fn encode<T: SolValue>(value: T) -> Vec<u8> {
    value.abi_encode()
}
