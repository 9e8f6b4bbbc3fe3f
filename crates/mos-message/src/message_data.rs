//! `MessageData`: what a dApp asks the MOS to deliver, and its two wire encodings.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, U256};

use crate::{
    abi::{padded_len, TupleReader, WORD},
    DecodeError, MessageType,
};

/// The MOS V3 `MessageData` struct.
///
/// ```solidity
/// struct MessageData { bool relay; MessageType msgType; bytes target; bytes payload; uint256 gasLimit; uint256 value; }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageData {
    /// Execute on the relay chain, then forward what the target returns.
    pub relay: bool,
    /// How the destination delivers the payload.
    pub msg_type: MessageType,
    /// The destination contract: 20 bytes on EVM chains, opaque elsewhere.
    pub target: Bytes,
    /// Calldata (CALLDATA) or the message handed to `mapoExecute` (MESSAGE).
    pub payload: Bytes,
    /// Gas the destination gives the target call.
    pub gas_limit: U256,
    /// Native value to carry; the MOS accepts only 0.
    pub value: U256,
}

/// Which of the two accepted encodings a `MessageData` arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `abi.encode(MessageData)`: the struct behind a head offset, first word 0x20.
    Struct,
    /// `abi.encode(relay, msgType, target, payload, gasLimit, value)`: first word 0 or 1.
    Flat,
}

impl Encoding {
    /// The name the CLI and the conformance vectors use (`struct`, `flat`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Struct => "struct",
            Self::Flat => "flat",
        }
    }
}

/// Head words of the `MessageData` tuple.
const HEADS: usize = 6;

impl MessageData {
    /// Decodes either encoding; see [`MessageData::decode_with_encoding`].
    ///
    /// # Errors
    /// As [`MessageData::decode_with_encoding`].
    pub fn decode(data: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_with_encoding(data).map(|(message, _)| message)
    }

    /// Decodes a `MessageData` and says which encoding it used.
    ///
    /// The first word chooses: 0x20 is the struct's head offset, 0 or 1 is a flattened tuple's
    /// `relay`. Both must be exactly what `abi.encode` produces: canonical offsets, zero padding,
    /// nothing after the last byte string.
    ///
    /// # Errors
    /// [`DecodeError::UnknownEncoding`] when the first word is anything else; otherwise the error of the
    /// first member that is malformed (truncated, bad offset or length, dirty padding, `relay` not a
    /// bool, `msgType` out of range, trailing bytes).
    pub fn decode_with_encoding(data: &[u8]) -> Result<(Self, Encoding), DecodeError> {
        let first = TupleReader::new(data, 0, 1)?.uint(0);
        let encoding = if first == U256::from(0x20) {
            Encoding::Struct
        } else if first <= U256::from(1) {
            Encoding::Flat
        } else {
            return Err(DecodeError::UnknownEncoding(first));
        };
        let base = match encoding {
            Encoding::Struct => 0x20,
            Encoding::Flat => 0,
        };
        let mut tuple = TupleReader::new(data, base, HEADS)?;
        let relay = tuple.bool(0, "relay")?;
        let msg_type_word = tuple.uint(1);
        let msg_type = u8::try_from(msg_type_word)
            .ok()
            .and_then(|value| MessageType::try_from(value).ok())
            .ok_or(DecodeError::InvalidMessageType(msg_type_word))?;
        let target = Bytes::copy_from_slice(tuple.bytes(2, "target")?);
        let payload = Bytes::copy_from_slice(tuple.bytes(3, "payload")?);
        let gas_limit = tuple.uint(4);
        let value = tuple.uint(5);
        tuple.finish()?;
        Ok((Self { relay, msg_type, target, payload, gas_limit, value }, encoding))
    }

    /// `abi.encode(messageData)`: the struct encoding, as Solidity dApps produce it.
    pub fn encode(&self) -> Vec<u8> {
        self.encode_with_head(true)
    }

    /// `abi.encode(relay, msgType, target, payload, gasLimit, value)`: the flattened tuple.
    pub fn encode_flat(&self) -> Vec<u8> {
        self.encode_with_head(false)
    }

    /// Encodes in the chosen form.
    pub fn encode_as(&self, encoding: Encoding) -> Vec<u8> {
        match encoding {
            Encoding::Struct => self.encode(),
            Encoding::Flat => self.encode_flat(),
        }
    }

    /// The target as an EVM address, when it is exactly 20 bytes.
    pub fn target_address(&self) -> Option<Address> {
        Address::try_from(self.target.as_ref()).ok()
    }

    /// The canonical encoding written directly (the decoder above reads exactly this layout), so
    /// programs that send messages carry no generic ABI encoder for it.
    fn encode_with_head(&self, struct_head: bool) -> Vec<u8> {
        let target_tail = WORD + padded_len(self.target.len());
        let payload_tail = WORD + padded_len(self.payload.len());
        let mut out = Vec::with_capacity(WORD + HEADS * WORD + target_tail + payload_tail);
        let word = |out: &mut Vec<u8>, value: U256| out.extend_from_slice(&value.to_be_bytes::<32>());
        if struct_head {
            word(&mut out, U256::from(WORD));
        }
        word(&mut out, U256::from(u8::from(self.relay)));
        word(&mut out, U256::from(self.msg_type as u8));
        word(&mut out, U256::from(HEADS * WORD));
        word(&mut out, U256::from(HEADS * WORD + target_tail));
        word(&mut out, self.gas_limit);
        word(&mut out, self.value);
        for bytes in [&self.target, &self.payload] {
            word(&mut out, U256::from(bytes.len()));
            out.extend_from_slice(bytes);
            out.resize(out.len() + padded_len(bytes.len()) - bytes.len(), 0);
        }
        out
    }
}
