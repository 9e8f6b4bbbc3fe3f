//! The precompiles a seal check calls ([`map_ibft::Precompiles`]): `ecrecover` (`0x01`) and the
//! BN254 pairing check (`0x08`, EIP-197), through the host.

use alloy_primitives::{address, Address, B256};
use mos_program::Host;

/// `ecrecover`.
const ECRECOVER: Address = address!("0x0000000000000000000000000000000000000001");
/// The BN254 pairing check.
const PAIRING: Address = address!("0x0000000000000000000000000000000000000008");

/// The host's precompiles.
pub struct HostPrecompiles<'a>(pub &'a Host);

impl map_ibft::Precompiles for HostPrecompiles<'_> {
    fn ecrecover(&self, digest: B256, v: u8, r: B256, s: B256) -> Option<Address> {
        let mut input = [0u8; 128];
        input[..32].copy_from_slice(digest.as_slice());
        input[63] = v;
        input[64..96].copy_from_slice(r.as_slice());
        input[96..].copy_from_slice(s.as_slice());
        // The precompile answers nothing when no key signed it.
        match self.0.static_call(ECRECOVER, &input) {
            Ok(word) if word.len() == 32 => Some(Address::from_slice(&word[12..])),
            _ => None,
        }
    }

    fn pairing(&self, input: &[u8]) -> Option<bool> {
        // The precompile fails (the call reverts) on a point off its curve or outside its group.
        let word = self.0.static_call(PAIRING, input).ok()?;
        (word.len() == 32).then(|| word[31] == 1 && word[..31].iter().all(|byte| *byte == 0))
    }
}
