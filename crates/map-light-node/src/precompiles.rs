//! The precompiles a seal check calls ([`map_ibft::Precompiles`]): `ecrecover` (`0x01`),
//! `modexp` (`0x05`, EIP-198), BN254's `ecAdd` and `ecMul` (`0x06`, `0x07`, EIP-196) and pairing
//! check (`0x08`, EIP-197), through the host.

use alloy_primitives::{address, Address, B256, U256};
use map_ibft::{G1Point, FIELD_MODULUS};
use mos_program::Host;

/// `ecrecover`.
const ECRECOVER: Address = address!("0x0000000000000000000000000000000000000001");
/// `modexp`.
const MODEXP: Address = address!("0x0000000000000000000000000000000000000005");
/// BN254 point addition.
const EC_ADD: Address = address!("0x0000000000000000000000000000000000000006");
/// BN254 scalar multiplication.
const EC_MUL: Address = address!("0x0000000000000000000000000000000000000007");
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

    fn mod_exp(&self, base: U256, exponent: U256) -> Option<U256> {
        // Lengths of 32 bytes each, then base, exponent and modulus.
        let mut input = [0u8; 192];
        for length in [31, 63, 95] {
            input[length] = 32;
        }
        input[96..128].copy_from_slice(&base.to_be_bytes::<32>());
        input[128..160].copy_from_slice(&exponent.to_be_bytes::<32>());
        input[160..].copy_from_slice(&FIELD_MODULUS.to_be_bytes::<32>());
        let word = self.0.static_call(MODEXP, &input).ok()?;
        (word.len() == 32).then(|| U256::from_be_slice(&word))
    }

    fn ec_add(&self, a: G1Point, b: G1Point) -> Option<G1Point> {
        let mut input = [0u8; 128];
        input[..64].copy_from_slice(&a.to_bytes());
        input[64..].copy_from_slice(&b.to_bytes());
        self.point(EC_ADD, &input)
    }

    fn ec_mul(&self, point: G1Point, scalar: U256) -> Option<G1Point> {
        let mut input = [0u8; 96];
        input[..64].copy_from_slice(&point.to_bytes());
        input[64..].copy_from_slice(&scalar.to_be_bytes::<32>());
        self.point(EC_MUL, &input)
    }

    fn pairing(&self, input: &[u8]) -> Option<bool> {
        // The precompile fails (the call reverts) on a point off its curve or outside its group.
        let word = self.0.static_call(PAIRING, input).ok()?;
        (word.len() == 32).then(|| word[31] == 1 && word[..31].iter().all(|byte| *byte == 0))
    }
}

impl HostPrecompiles<'_> {
    /// The point `precompile` answers `input` with (it fails on a point off the curve).
    fn point(&self, precompile: Address, input: &[u8]) -> Option<G1Point> {
        let answer = self.0.static_call(precompile, input).ok()?;
        let bytes: &[u8; 64] = answer.as_slice().try_into().ok()?;
        Some(G1Point { x: U256::from_be_slice(&bytes[..32]), y: U256::from_be_slice(&bytes[32..]) })
    }
}
