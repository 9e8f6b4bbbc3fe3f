//! The interface's enums, `uint8` on the wire.

use core::fmt;

/// What the destination does with a message (`IMOSV3.MessageType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MessageType {
    /// Call `target` with `payload` as calldata, if the target allowed the sender (`callerList`).
    Calldata = 0,
    /// Call `target.mapoExecute(fromChain, toChain, fromAddress, orderId, payload)`.
    Message = 1,
}

impl MessageType {
    /// The Solidity name, as the interface spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Calldata => "CALLDATA",
            Self::Message => "MESSAGE",
        }
    }
}

impl TryFrom<u8> for MessageType {
    type Error = UnknownEnumValue;

    /// # Errors
    /// [`UnknownEnumValue`] for anything but 0 and 1.
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            0 => Ok(Self::Calldata),
            1 => Ok(Self::Message),
            _ => Err(UnknownEnumValue { enum_name: "MessageType", value }),
        }
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of chain a relay registers (`IMOSV3.ChainType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum ChainType {
    /// Not registered. The zero value: an unknown chain is never mistaken for a known one.
    #[default]
    Null = 0,
    /// An EVM chain: logs, receipts and 20-byte addresses.
    Evm = 1,
    /// NEAR.
    Near = 2,
}

impl ChainType {
    /// The Solidity name, as the interface spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Null => "NULL",
            Self::Evm => "EVM",
            Self::Near => "NEAR",
        }
    }
}

impl TryFrom<u8> for ChainType {
    type Error = UnknownEnumValue;

    /// # Errors
    /// [`UnknownEnumValue`] for anything above 2.
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        match value {
            0 => Ok(Self::Null),
            1 => Ok(Self::Evm),
            2 => Ok(Self::Near),
            _ => Err(UnknownEnumValue { enum_name: "ChainType", value }),
        }
    }
}

impl fmt::Display for ChainType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `uint8` that names no member of the enum it was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{value} is not a {enum_name}")]
pub struct UnknownEnumValue {
    /// The enum's Solidity name.
    pub enum_name: &'static str,
    /// The value read.
    pub value: u8,
}
