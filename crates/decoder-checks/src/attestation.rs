//! The committee light node's arguments: `abi.encode(SignedHeader)`, `abi.encode(SignedRotation)`
//! and `initialize`'s, read strictly by `mos_light_node::abi`. Each is checked against alloy's ABI
//! decoder: what the light node accepts, alloy reads as the same value and re-encodes to the input
//! (so only `abi.encode`'s canonical layout passes); what alloy re-encodes to the input, the light
//! node accepts. Accepted: the light node read it.

use alloy_sol_types::{SolCall, SolValue};
use light_client_iface::{
    attestation::{SignedHeader, SignedRotation},
    interfaces::ICommitteeLightNode::initializeCall,
};
use mos_light_node::abi;

/// `abi::signed_header` against alloy's `SignedHeader` decoder.
pub fn signed_header(data: &[u8]) -> bool {
    let ours = abi::signed_header(data)
        .map(|(attestation, signatures)| SignedHeader { attestation, signatures: signatures.to_vec().into() });
    agrees_with_alloy(data, ours)
}

/// `abi::signed_rotation` against alloy's `SignedRotation` decoder.
pub fn signed_rotation(data: &[u8]) -> bool {
    let ours = abi::signed_rotation(data)
        .map(|(rotation, signatures)| SignedRotation { rotation, signatures: signatures.to_vec().into() });
    agrees_with_alloy(data, ours)
}

/// Compares the light node's reading of `data` with alloy's; whether the light node read it.
fn agrees_with_alloy<T>(data: &[u8], ours: Option<T>) -> bool
where
    T: SolValue + From<<T::SolType as alloy_sol_types::SolType>::RustType> + PartialEq + core::fmt::Debug,
{
    let alloy = T::abi_decode(data).ok().filter(|value| value.abi_encode() == data);
    match (ours, alloy) {
        (Some(ours), Some(alloy)) => assert_eq!(ours, alloy, "the light node and alloy read different values"),
        (Some(ours), None) => panic!("the light node accepted a non-canonical encoding: {ours:?}"),
        (None, Some(alloy)) => panic!("the light node refused abi.encode's own encoding of {alloy:?}"),
        (None, None) => return false,
    }
    true
}

/// `abi::initialize_args` (the arguments after the selector) against alloy's `initialize` decoder:
/// bytes after the canonical encoding are ignored, as Solidity ignores them.
pub fn committee_initialize(args: &[u8]) -> bool {
    let ours = abi::initialize_args(args);
    let alloy = initializeCall::abi_decode_raw(args).ok().filter(|call| args.starts_with(&call.abi_encode()[4..]));
    match (ours, alloy) {
        (Some((chain, members, threshold)), Some(call)) => {
            assert_eq!((chain, &members, threshold), (call.sourceChainId, &call.members, call.threshold));
        }
        (Some(ours), None) => panic!("initialize accepted a non-canonical encoding: {ours:?}"),
        (None, Some(call)) => panic!("initialize refused the canonical encoding of {call:?}"),
        (None, None) => return false,
    }
    true
}
