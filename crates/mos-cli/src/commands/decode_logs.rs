//! `mos decode-logs`: every log of an RLP log list, MOS events decoded field by field.

use alloy_primitives::{hex, B256};
use alloy_sol_types::{Revert, SolError, SolEvent};
use light_client_iface::{LogList, LogView};
use mos_message::{interfaces::IMOSV3, MessageData, MessageOut};
use serde_json::{json, Map, Value};

use crate::{commands::abi, commands::message::message_json, input, report::uint, CliError, Report};

/// Arguments of `mos decode-logs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// An RLP log list `[[address, [topics], data], ...]`: hex, or @file holding hex, or @- for standard input.
    pub logs: String,
}

/// Decodes the list.
///
/// A log list that is not well-formed RLP is an error. A MOS event whose data does not decode is
/// reported in its entry and as a problem, and the other logs are still shown.
///
/// # Errors
/// [`CliError::Input`] for unreadable input, [`CliError::Logs`] for a malformed list.
pub fn run(args: &Args) -> Result<Report, CliError> {
    let bytes = input::read_hex(&args.logs)?;
    let list = LogList::new(&bytes).map_err(CliError::Logs)?;
    let (logs, problems) = logs_json(&list)?;
    let mut report = Report::new(json!({ "logs": logs }));
    report.problems = problems;
    Ok(report)
}

/// Every log of `list` as JSON (index, address, topics, the event's name and fields when it is a
/// known event, data), and the problems: one per MOS event whose data does not decode, which its
/// entry also carries under `error`.
///
/// # Errors
/// [`CliError::Logs`] for a malformed log.
pub fn logs_json(list: &LogList<'_>) -> Result<(Vec<Value>, Vec<String>), CliError> {
    let mut logs = Vec::new();
    let mut problems = Vec::new();
    for (index, log) in list.iter().enumerate() {
        let log = log.map_err(CliError::Logs)?;
        let mut entry = Map::new();
        entry.insert("index".into(), json!(index));
        entry.insert("address".into(), json!(hex::encode_prefixed(log.address())));
        entry.insert("topics".into(), json!(log.topics().map(|t| t.to_string()).collect::<Vec<_>>()));
        if let Some(name) = log.topic(0).and_then(|topic| abi::event_name(topic.as_slice())) {
            entry.insert("event".into(), json!(name));
        }
        if let Err(problem) = decode_mos_event(&log, &mut entry) {
            entry.insert("error".into(), json!(problem));
            problems.push(format!("log {index}: {problem}"));
        }
        entry.insert("data".into(), json!(hex::encode_prefixed(log.data())));
        logs.push(Value::Object(entry));
    }
    Ok((logs, problems))
}

/// Adds the decoded fields of a MOS event to `entry`; other logs are left as they are.
fn decode_mos_event(log: &LogView<'_>, entry: &mut Map<String, Value>) -> Result<(), String> {
    let topics: Vec<B256> = log.topics().collect();
    match topics.first() {
        Some(&MessageOut::TOPIC) => {
            let out = MessageOut::from_log(log).map_err(|e| e.to_string())?;
            entry.insert("fromChain".into(), uint(out.from_chain));
            entry.insert("toChain".into(), uint(out.to_chain));
            entry.insert("orderId".into(), json!(out.order_id.to_string()));
            entry.insert("fromAddress".into(), json!(out.from_address.to_string()));
            entry.insert("messageData".into(), json!(out.message_data.to_string()));
            let (message, encoding) = MessageData::decode_with_encoding(&out.message_data)
                .map_err(|e| format!("mapMessageOut messageData: {e}"))?;
            entry.insert("message".into(), message_json(&message, encoding));
        }
        Some(&IMOSV3::mapMessageIn::SIGNATURE_HASH) => {
            let event = IMOSV3::mapMessageIn::decode_raw_log_validate(topics, log.data())
                .map_err(|e| format!("mapMessageIn: {e}"))?;
            entry.insert("fromChain".into(), uint(event.fromChain));
            entry.insert("toChain".into(), uint(event.toChain));
            entry.insert("orderId".into(), json!(event.orderId.to_string()));
            entry.insert("fromAddress".into(), json!(event.fromAddrss.to_string()));
            entry.insert("callData".into(), json!(event.callData.to_string()));
            entry.insert("result".into(), json!(event.result));
            entry.insert("reason".into(), json!(event.reason.to_string()));
            if let Some(text) = reason_text(&event.reason) {
                entry.insert("reasonText".into(), json!(text));
            }
        }
        Some(&IMOSV3::mapTransferExecute::SIGNATURE_HASH) => {
            let event = IMOSV3::mapTransferExecute::decode_raw_log_validate(topics, log.data())
                .map_err(|e| format!("mapTransferExecute: {e}"))?;
            entry.insert("fromChain".into(), uint(event.fromChain));
            entry.insert("toChain".into(), uint(event.toChain));
            entry.insert("from".into(), json!(hex::encode_prefixed(event.from)));
        }
        _ => {}
    }
    Ok(())
}

/// A failure reason a person can read: the string of an `Error(string)` revert, or the bytes
/// themselves when they are printable text (`FromAddressNotCaller`, `NoContractAddress`, ...).
fn reason_text(reason: &[u8]) -> Option<String> {
    if let Ok(revert) = Revert::abi_decode(reason) {
        return Some(revert.reason);
    }
    let text = std::str::from_utf8(reason).ok()?;
    (!text.is_empty() && text.chars().all(|c| c.is_ascii_graphic() || c == ' ')).then(|| text.to_string())
}
