//! `mos decode-message` and `mos encode-message`, and the MessageData arguments `mos send` shares.

use alloy_primitives::{Bytes, U256};
use mos_message::{Encoding, MessageData, MessageType};
use serde_json::{json, Value};

use crate::{input, report, CliError, Report};

/// Arguments of `mos decode-message`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// MessageData bytes, in either encoding: hex, or @file holding hex, or @- for standard input.
    pub message: String,
}

/// The message type, as the command line names it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum TypeArg {
    /// Call the target with the payload as calldata.
    Calldata,
    /// Call `target.mapoExecute(..., payload)`.
    Message,
}

/// Gas the destination gives the target when `--gas-limit` is not given: what MAP's examples and
/// the Echo dApp ask for.
pub const DEFAULT_GAS_LIMIT: u64 = 500_000;

/// A MessageData as the command line gives it: `encode-message` encodes it, `send` sends it.
#[derive(Debug, clap::Args)]
pub struct MessageArgs {
    /// How the destination delivers the payload.
    #[arg(long = "type", value_enum, default_value = "message")]
    pub msg_type: TypeArg,
    /// Execute on the relay chain and forward what the target returns.
    #[arg(long)]
    pub relay: bool,
    /// The destination contract (20 bytes on EVM chains), hex.
    #[arg(long)]
    pub target: Bytes,
    /// The payload, hex.
    #[arg(long, default_value = "0x")]
    pub payload: Bytes,
    /// Gas the destination gives the target (decimal or 0x-hex); the MOS accepts 21000..=10000000.
    #[arg(long, default_value_t = U256::from(DEFAULT_GAS_LIMIT))]
    pub gas_limit: U256,
    /// Native value the message carries (MessageData.value, not the fee); the MOS accepts only 0.
    #[arg(long, value_name = "WEI", default_value = "0")]
    pub value: U256,
    /// Encode the flattened tuple instead of `abi.encode(MessageData)`.
    #[arg(long)]
    pub flat: bool,
}

impl MessageArgs {
    /// The message the arguments describe.
    pub fn message(&self) -> MessageData {
        MessageData {
            relay: self.relay,
            msg_type: match self.msg_type {
                TypeArg::Calldata => MessageType::Calldata,
                TypeArg::Message => MessageType::Message,
            },
            target: self.target.clone(),
            payload: self.payload.clone(),
            gas_limit: self.gas_limit,
            value: self.value,
        }
    }

    /// The encoding asked for (`--flat` or not).
    pub fn encoding(&self) -> Encoding {
        if self.flat {
            Encoding::Flat
        } else {
            Encoding::Struct
        }
    }

    /// The message's bytes in the encoding asked for.
    pub fn encode(&self) -> Bytes {
        self.message().encode_as(self.encoding()).into()
    }
}

/// Arguments of `mos encode-message`.
#[derive(Debug, clap::Args)]
pub struct EncodeArgs {
    /// The message.
    #[command(flatten)]
    pub message: MessageArgs,
}

/// Decodes a MessageData.
///
/// # Errors
/// [`CliError::Input`] for unreadable input, [`CliError::Message`] when it is not a MessageData.
pub fn decode(args: &DecodeArgs) -> Result<Report, CliError> {
    let bytes = input::read_hex(&args.message)?;
    let (message, encoding) = MessageData::decode_with_encoding(&bytes)?;
    Ok(Report::new(message_json(&message, encoding)))
}

/// Encodes a MessageData.
pub fn encode(args: &EncodeArgs) -> Report {
    let encoding = args.message.encoding();
    let encoded = args.message.encode();
    let mut report = Report::new(json!({ "encoding": encoding.name(), "messageData": encoded.to_string() }));
    report.text = format!("{encoded}\n");
    report
}

/// A MessageData as JSON, with the field names of the interface.
pub fn message_json(message: &MessageData, encoding: Encoding) -> Value {
    json!({
        "encoding": encoding.name(),
        "relay": message.relay,
        "msgType": message.msg_type as u8,
        "msgTypeName": message.msg_type.name(),
        "target": message.target.to_string(),
        "payload": message.payload.to_string(),
        "gasLimit": report::uint(message.gas_limit),
        "value": report::uint(message.value),
    })
}
