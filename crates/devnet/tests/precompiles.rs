//! Every Ethereum precompile of Osaka, called with `eth_call` on the devnet, answers as Ethereum
//! does: the output and the gas of vectors taken from go-ethereum's and the execution specs' test
//! data (`vectors/precompiles.json`, each entry says where it comes from; all of them were checked
//! against anvil 1.7.1 with `--hardfork osaka` when the file was made).

mod common;

use alloy_primitives::{Address, Bytes};
use common::Dev;
use devnet::{exec::CallParams, BlockId};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    name: String,
    address: Address,
    input: Bytes,
    /// `None`: the call must fail.
    expected: Option<Bytes>,
    /// The precompile's own gas for this input (`None` for failures, which consume all gas).
    gas: Option<u64>,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("vectors/precompiles.json")).expect("the vector file parses")
}

/// What a transaction pays before execution for calldata `input` (Osaka, without EIP-7623's floor,
/// which Arbitrum does not apply).
fn intrinsic(input: &[u8]) -> u64 {
    21_000 + input.iter().map(|byte| if *byte == 0 { 4 } else { 16 }).sum::<u64>()
}

#[test]
fn every_precompile_answers_as_ethereum_does() {
    let mut dev = Dev::new();
    let vectors = vectors();
    let precompiles: std::collections::BTreeSet<Address> = vectors.iter().map(|v| v.address).collect();
    assert_eq!(precompiles.len(), 18, "0x01-0x11 and P256VERIFY at 0x100");
    let mut failures = Vec::new();
    for vector in &vectors {
        let params = CallParams {
            to: Some(vector.address),
            data: vector.input.clone(),
            gas: Some(10_000_000),
            ..Default::default()
        };
        let result = dev.chain.call(&params, BlockId::Latest, &Default::default()).unwrap();
        match (&vector.expected, vector.gas) {
            (Some(expected), gas) => {
                if !result.success || result.output != *expected {
                    failures.push(format!("{}: got {:?}", vector.name, result));
                    continue;
                }
                if let Some(gas) = gas {
                    let want = intrinsic(&vector.input) + gas;
                    if result.gas_used != want {
                        failures.push(format!("{}: gas {} instead of {want}", vector.name, result.gas_used));
                    }
                }
            }
            (None, _) => {
                if result.success {
                    failures.push(format!("{}: succeeded with {}, must fail", vector.name, result.output));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors differ:\n{}", failures.len(), vectors.len(), failures.join("\n"));
}

#[test]
fn a_precompile_given_too_little_gas_fails_and_consumes_it() {
    let mut dev = Dev::new();
    let vector = vectors().into_iter().find(|v| v.name.starts_with("ecRecover")).unwrap();
    let gas = intrinsic(&vector.input) + vector.gas.unwrap() - 1;
    let params = CallParams { to: Some(vector.address), data: vector.input, gas: Some(gas), ..Default::default() };
    let result = dev.chain.call(&params, BlockId::Latest, &Default::default()).unwrap();
    assert!(!result.success);
    assert_eq!(result.gas_used, gas);
}
