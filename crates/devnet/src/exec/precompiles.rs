//! Precompiled contracts: the Ethereum ones the MOS suite and common dApps use, and the Arbitrum
//! ones Stylus tooling calls (ArbWasm at 0x71, ArbSys at 0x64).
//!
//! Not implemented (a call fails, as an exceptional halt, and the devnet logs a warning): ripemd160
//! (0x03), modexp (0x05), the bn254 operations (0x06-0x08), blake2f (0x09), the KZG point
//! evaluation (0x0a), BLS12-381 (0x0b-0x11) and P256VERIFY (0x100). See the devnet's docs.

use alloy_primitives::{address, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall};
use evm_interpreter::{CallOutcome, CallRequest, CallStatus};
use sha2::Digest;

use super::{arbwasm, Executor};

/// ArbSys: block number, chain id and ArbOS version as Arbitrum contracts ask for them.
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");

sol! {
    /// The part of ArbSys the devnet answers.
    interface ArbSys {
        function arbBlockNumber() external view returns (uint256);
        function arbChainID() external view returns (uint256);
        function arbOSVersion() external view returns (uint256);
    }
}

/// Runs the precompile at `request.code_address`, if there is one.
pub fn run(exec: &mut Executor<'_, '_>, request: &CallRequest) -> Option<CallOutcome> {
    let address = request.code_address;
    if address == arbwasm::ARB_WASM {
        return Some(arbwasm::run(exec, request));
    }
    if address == ARB_SYS {
        return Some(arb_sys(exec, request));
    }
    let input = &request.input;
    Some(match ethereum_precompile(address)? {
        1 => priced(request, 3000, || ecrecover(input)),
        2 => priced(request, 60 + 12 * words(input), || Bytes::copy_from_slice(&sha2::Sha256::digest(input))),
        4 => priced(request, 15 + 3 * words(input), || input.clone()),
        _ => unsupported(request),
    })
}

/// The number of an Ethereum precompile address (0x01..=0x11, and 0x100 for P256VERIFY).
fn ethereum_precompile(address: Address) -> Option<u16> {
    let (high, low) = address.0.split_at(18);
    let number = u16::from_be_bytes([low[0], low[1]]);
    (high.iter().all(|b| *b == 0) && ((1..=0x11).contains(&number) || number == 0x100)).then_some(number)
}

fn words(input: &[u8]) -> u64 {
    (input.len() as u64).div_ceil(32)
}

/// Charges `cost`, or fails out of gas.
fn priced(request: &CallRequest, cost: u64, run: impl FnOnce() -> Bytes) -> CallOutcome {
    match request.gas_limit.checked_sub(cost) {
        Some(gas_left) => CallOutcome { status: CallStatus::Success, output: run(), gas_left },
        None => CallOutcome { status: CallStatus::Failed, output: Bytes::new(), gas_left: 0 },
    }
}

fn unsupported(request: &CallRequest) -> CallOutcome {
    tracing::warn!(address = %request.code_address, "call to a precompile the devnet does not implement");
    CallOutcome { status: CallStatus::Failed, output: Bytes::new(), gas_left: 0 }
}

/// `ecrecover(hash, v, r, s)`: the signer's address left-padded to 32 bytes, or nothing when the
/// signature does not recover.
fn ecrecover(input: &[u8]) -> Bytes {
    let mut padded = [0u8; 128];
    let len = input.len().min(128);
    padded[..len].copy_from_slice(&input[..len]);
    let hash = B256::from_slice(&padded[..32]);
    let v = U256::from_be_slice(&padded[32..64]);
    let parity = if v == U256::from(27) {
        false
    } else if v == U256::from(28) {
        true
    } else {
        return Bytes::new();
    };
    let r = U256::from_be_slice(&padded[64..96]);
    let s = U256::from_be_slice(&padded[96..128]);
    let signature = alloy_primitives::Signature::new(r, s, parity);
    match signature.recover_address_from_prehash(&hash) {
        Ok(address) => Bytes::copy_from_slice(B256::left_padding_from(address.as_slice()).as_slice()),
        Err(_) => Bytes::new(),
    }
}

fn arb_sys(exec: &mut Executor<'_, '_>, request: &CallRequest) -> CallOutcome {
    let env = exec.env;
    let selector = request.input.get(..4).unwrap_or_default();
    let answer = if selector == ArbSys::arbBlockNumberCall::SELECTOR {
        Some(U256::from(env.number))
    } else if selector == ArbSys::arbChainIDCall::SELECTOR {
        Some(U256::from(env.chain_id))
    } else if selector == ArbSys::arbOSVersionCall::SELECTOR {
        // ArbSys reports 55 + the ArbOS version (Nitro's numbering of the classic versions).
        Some(U256::from(55 + env.arbos_version))
    } else {
        None
    };
    match answer {
        Some(value) => priced(request, 100, || Bytes::copy_from_slice(&value.to_be_bytes::<32>())),
        None => CallOutcome { status: CallStatus::Revert, output: Bytes::new(), gas_left: 0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::keccak256;
    use alloy_signer::SignerSync;

    #[test]
    fn ecrecover_returns_the_signer() {
        let signer = crate::dev_accounts::dev_signer(0).unwrap();
        let hash = keccak256(b"attest");
        let signature = signer.sign_hash_sync(&hash).unwrap();
        let mut input = Vec::new();
        input.extend_from_slice(hash.as_slice());
        input.extend_from_slice(&U256::from(27 + u8::from(signature.v())).to_be_bytes::<32>());
        input.extend_from_slice(&signature.r().to_be_bytes::<32>());
        input.extend_from_slice(&signature.s().to_be_bytes::<32>());
        assert_eq!(ecrecover(&input).as_ref(), B256::left_padding_from(signer.address().as_slice()).as_slice());
    }

    #[test]
    fn ecrecover_of_a_bad_v_is_empty() {
        assert!(ecrecover(&[0u8; 128]).is_empty());
    }
}
