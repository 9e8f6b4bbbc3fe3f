//! A validator's keys: its account (the ECDSA key that signs the proposer seal) and its BLS key
//! over BN254 (G1 and G2 public keys, signatures in G1), in the byte layouts Atlas publishes.

use alloy_primitives::{keccak256, Address, B256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{PrimeField, Zero};
use map_ibft::{
    bls::{g1_bytes, g2_bytes},
    G1_KEY_LENGTH, G2_KEY_LENGTH, SEAL_LENGTH,
};

/// What the devnet's BLS keys are derived under (see [`Validator::from_key`]).
const BLS_KEY_DOMAIN: &[u8] = b"mos-devnet ibft bls key";

/// A validator of the devnet's IBFT chain, with its private keys.
#[derive(Debug, Clone)]
pub struct Validator {
    /// Its account: the address in the validator set and the coinbase of the blocks it proposes.
    pub address: Address,
    /// Its G1 public key, `x ‖ y`.
    pub g1_key: [u8; G1_KEY_LENGTH],
    /// Its G2 public key, `x.imaginary ‖ x.real ‖ y.imaginary ‖ y.real` (what Atlas's extra and
    /// `istanbul_getValidatorsBLSPublicKeys` carry, the `0x08` precompile's order).
    pub g2_key: [u8; G2_KEY_LENGTH],
    signer: PrivateKeySigner,
    bls_secret: Fr,
}

impl Validator {
    /// The validator whose account key is `key`. Its BLS secret is keccak256 of a domain tag and
    /// the account key, reduced modulo the group order: the devnet's own derivation (Atlas derives
    /// its BLS key from the account key too, `ECDSAToBLS`, by another rule; no light node depends on
    /// how a secret was chosen, only on its G1 and G2 keys sharing it).
    ///
    /// # Errors
    /// A message when `key` is not a secp256k1 secret key.
    pub fn from_key(key: B256) -> Result<Self, String> {
        let signer = PrivateKeySigner::from_bytes(&key).map_err(|error| format!("validator key {key}: {error}"))?;
        let mut preimage = BLS_KEY_DOMAIN.to_vec();
        preimage.extend_from_slice(key.as_slice());
        let mut bls_secret = Fr::from_be_bytes_mod_order(keccak256(&preimage).as_slice());
        if bls_secret.is_zero() {
            bls_secret = Fr::from(1u64);
        }
        let g1 = (G1Affine::generator() * bls_secret).into_affine();
        let g2 = (G2Affine::generator() * bls_secret).into_affine();
        Ok(Self { address: signer.address(), g1_key: g1_bytes(&g1), g2_key: g2_bytes(&g2), signer, bls_secret })
    }

    /// The proposer seal over `digest`: `r ‖ s ‖ v`, v 0 or 1 (go-ethereum's `crypto.Sign`).
    pub fn seal(&self, digest: &B256) -> [u8; SEAL_LENGTH] {
        let signature = self.signer.sign_hash_sync(digest).unwrap_or_else(|error| {
            // A local key signs every 32-byte digest; k256 fails only on a zero nonce.
            unreachable!("a local secp256k1 key failed to sign: {error}")
        });
        let mut seal = [0u8; SEAL_LENGTH];
        seal[..32].copy_from_slice(&signature.r().to_be_bytes::<32>());
        seal[32..64].copy_from_slice(&signature.s().to_be_bytes::<32>());
        seal[64] = u8::from(signature.v());
        seal
    }

    /// This validator's BLS secret: its signature of a message hashed to the point H is
    /// `secret · H`, so the sum of several validators' signatures is the sum of their secrets times
    /// H (what the sealer computes, one multiplication for any number of signers).
    pub(crate) fn bls_secret(&self) -> Fr {
        self.bls_secret
    }
}
