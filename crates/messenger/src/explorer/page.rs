//! The explorer's HTML, rendered on the server from the same values the JSON API answers: the
//! list of messages with its filters, and one message's journey. The only script reloads a page
//! while something on it is still under way.

use std::fmt::Write;

use alloy_primitives::Bytes;

use super::{
    journey::{Journey, MessageSummary, Status, Step},
    ChainProgress, MessageFilter, MessageList,
};

/// Seconds between reloads of a page that shows a message under way.
const RELOAD_SECONDS: u32 = 3;

/// `text` with the characters HTML gives a meaning escaped.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fafbfc}\
h1{font-size:1.4rem}h1 a{color:inherit;text-decoration:none}h2{font-size:1.1rem;margin-top:1.6rem}\
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d8dee4;padding:.35rem .5rem;\
text-align:left;vertical-align:top;font-size:.9rem}th{background:#f0f3f6}code,.hash{font-family:ui-monospace,monospace;\
font-size:.85rem;word-break:break-all}.status{display:inline-block;padding:.1rem .5rem;border-radius:.8rem;\
font-weight:600;font-size:.85rem}.delivered,.retried{background:#d5f5dd;color:#14532d}.failed{background:#fde2e1;\
color:#7f1d1d}.sent,.relayed{background:#fff3c4;color:#713f12}.unknown{background:#e5e7eb}\
.waiting{border-left:4px solid #d97706;background:#fffbeb;padding:.6rem .8rem;margin:1rem 0}\
.reason{border-left:4px solid #dc2626;background:#fef2f2;padding:.6rem .8rem;margin:1rem 0}\
form{margin:1rem 0;display:flex;gap:.5rem;flex-wrap:wrap}input,select{padding:.3rem;font-size:.9rem}\
.error{color:#991b1b}";

fn document(title: &str, reload: bool, body: &str) -> String {
    let script = if reload {
        format!("<script>setTimeout(function(){{location.reload()}},{}000)</script>", RELOAD_SECONDS)
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head><body>\
         <h1><a href=\"/\">MOS explorer</a></h1>{body}{script}</body></html>",
        escape(title)
    )
}

fn status_badge(status: Status) -> String {
    format!("<span class=\"status {0}\" data-status=\"{0}\">{0}</span>", status.name())
}

fn time(seconds: Option<u64>) -> String {
    seconds.map_or_else(|| "–".to_owned(), |seconds| format!("<time data-unix=\"{seconds}\">{}</time>", utc(seconds)))
}

/// A Unix time as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc(seconds: u64) -> String {
    let days = seconds / 86_400;
    let (hour, minute, second) = (seconds % 86_400 / 3_600, seconds % 3_600 / 60, seconds % 60);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02} UTC")
}

fn short(bytes: &Bytes) -> String {
    let text = bytes.to_string();
    if text.len() > 26 {
        format!("<code title=\"{text}\">{}…{}</code>", &text[..14], &text[text.len() - 8..])
    } else {
        format!("<code>{text}</code>")
    }
}

/// The list of messages, with the filters that chose it.
pub fn list(list: &MessageList, filter: &MessageFilter, chain_names: &[String]) -> String {
    let mut body = String::new();
    let selected = |value: &str, chosen: Option<&str>| if chosen == Some(value) { " selected" } else { "" };
    let _ = write!(
        body,
        "<form method=\"get\" action=\"/\"><select name=\"chain\"><option value=\"\">every chain</option>"
    );
    for name in chain_names {
        let _ = write!(body, "<option{}>{}</option>", selected(name, filter.chain.as_deref()), escape(name));
    }
    let _ = write!(body, "</select><select name=\"status\"><option value=\"\">every status</option>");
    for status in [Status::Sent, Status::Relayed, Status::Delivered, Status::Failed, Status::Retried] {
        let _ = write!(
            body,
            "<option{}>{}</option>",
            selected(status.name(), filter.status.map(Status::name)),
            status.name()
        );
    }
    let value = |bytes: &Option<Bytes>| bytes.as_ref().map_or_else(String::new, ToString::to_string);
    let _ = write!(
        body,
        "</select><input name=\"sender\" placeholder=\"sender 0x…\" value=\"{}\">\
         <input name=\"target\" placeholder=\"target 0x…\" value=\"{}\">\
         <input name=\"q\" size=\"40\" placeholder=\"orderId or transaction hash\" value=\"{}\">\
         <button type=\"submit\">Show</button></form>",
        value(&filter.sender),
        value(&filter.target),
        filter.search.map_or_else(String::new, |search| search.to_string()),
    );
    let _ = write!(
        body,
        "<p id=\"count\">{} of {} matching messages, the newest first.</p>",
        list.messages.len(),
        list.matching
    );
    body.push_str(
        "<table id=\"messages\"><tr><th>orderId</th><th>status</th><th>from</th><th>to</th><th>sender</th>\
         <th>target</th><th>sent</th><th>messenger</th></tr>",
    );
    for message in &list.messages {
        body.push_str(&row(message));
    }
    body.push_str("</table><h2>Chains</h2><table><tr><th>chain</th><th>RPC</th><th>blocks read</th></tr>");
    for chain in &list.chains {
        let _ = write!(
            body,
            "<tr><td>{} ({})</td><td><code>{}</code></td><td>{}</td></tr>",
            escape(&chain.chain.name),
            chain.chain.chain_id,
            escape(&chain.rpc_url),
            blocks_read(chain)
        );
    }
    body.push_str("</table>");
    let under_way = list.messages.iter().any(|message| !message.status.is_final());
    document("MOS explorer: messages", under_way, &body)
}

fn row(message: &MessageSummary) -> String {
    format!(
        "<tr class=\"message\" data-order=\"{order}\"><td><a class=\"hash\" href=\"/messages/{order}\">{order}</a></td>\
         <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        status_badge(message.status),
        escape(&message.from_chain.name),
        escape(&message.to_chain.name),
        short(&message.sender),
        message.target.as_ref().map_or_else(|| "–".to_owned(), short),
        time(message.time),
        message.delivery.as_deref().map_or_else(|| "–".to_owned(), escape),
        order = message.order_id,
    )
}

/// One message's journey.
pub fn message(journey: &Journey) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<h2>Message <span class=\"hash\" id=\"order\">{}</span></h2><p>{} <span id=\"summary\">{}</span></p>",
        journey.order_id,
        status_badge(journey.status),
        escape(&journey.summary)
    );
    if let Some(waiting) = &journey.waiting {
        let _ = write!(
            body,
            "<div class=\"waiting\" id=\"waiting\" data-kind=\"{}\"><strong>Waiting: {} → {}.</strong> {}</div>",
            wait_kind(&waiting.wait),
            escape(&waiting.from.name),
            escape(&waiting.to.name),
            escape(&waiting.text)
        );
    }
    if let Some(reason) = &journey.reason {
        let _ = write!(
            body,
            "<div class=\"reason\" id=\"reason\"><strong>Why it failed:</strong> {}. Run it again with \
             <code>mos retry --order {}</code> once the target accepts it.</div>",
            escape(reason),
            journey.order_id
        );
    }
    body.push_str("<h2>Message</h2><table id=\"message\">");
    let mut field = |name: &str, value: String| {
        let _ = write!(body, "<tr><th>{name}</th><td>{value}</td></tr>");
    };
    let chain = |chain: &Option<super::journey::ChainRef>| {
        chain.as_ref().map_or_else(|| "–".to_owned(), |chain| format!("{} ({})", escape(&chain.name), chain.chain_id))
    };
    field("from", chain(&journey.from_chain));
    field("to", chain(&journey.to_chain));
    field("sender", journey.sender.as_ref().map_or_else(|| "–".to_owned(), |sender| format!("<code>{sender}</code>")));
    if let Some(message) = &journey.message {
        field("type", message.msg_type.clone());
        field("target", format!("<code>{}</code>", message.target));
        field("payload", format!("<code>{}</code>", message.payload));
        field("gasLimit", message.gas_limit.to_string());
        field("relay", message.relay.to_string());
        field("value", message.value.to_string());
    }
    if let Some(error) = &journey.message_error {
        field("MessageData", format!("<span class=\"error\">does not decode: {}</span>", escape(error)));
    }
    body.push_str(
        "</table><h2>Journey</h2><table id=\"steps\"><tr><th>step</th><th>chain</th><th>transaction</th>\
                   <th>block</th><th>time</th><th>details</th></tr>",
    );
    for step in &journey.steps {
        body.push_str(&step_row(step));
    }
    body.push_str(
        "</table><h2>Hops</h2><table id=\"hops\"><tr><th>hop</th><th>left</th><th>arrived</th><th>latency</th></tr>",
    );
    for hop in &journey.hops {
        let latency = hop.latency_seconds.map_or_else(|| "under way".to_owned(), |seconds| format!("{seconds} s"));
        let _ = write!(
            body,
            "<tr><td>{} → {}</td><td>{}</td><td>{}</td><td>{latency}</td></tr>",
            escape(&hop.from.name),
            escape(&hop.to.name),
            time(hop.departed),
            time(hop.arrived)
        );
    }
    body.push_str(
        "</table><h2>Chains</h2><table id=\"chains\"><tr><th>chain</th><th>MOS</th><th>messageStatus</th>\
                   <th>blocks read</th></tr>",
    );
    for chain in &journey.chains {
        let _ = write!(
            body,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(&chain.read.chain.name),
            chain.mos,
            chain.message_status.as_deref().map_or("–", |status| status),
            blocks_read(&chain.read),
        );
    }
    let _ = write!(body, "</table><p><a href=\"/api/messages/{}\">JSON</a></p>", journey.order_id);
    document(&format!("MOS message {}", journey.order_id), !journey.status.is_final(), &body)
}

/// The blocks of a chain read, and why it could not be read.
fn blocks_read(chain: &ChainProgress) -> String {
    let read = match (chain.from_block, chain.to_block) {
        (Some(from), Some(to)) => format!("{from} to {to}"),
        _ => "none yet".to_owned(),
    };
    match &chain.error {
        Some(error) => format!("{read} <span class=\"error\">{}</span>", escape(error)),
        None => read,
    }
}

fn step_row(step: &Step) -> String {
    let name = step.label();
    let mut details = String::new();
    if let Some(block) = step.attested_block {
        let _ = write!(details, "source block {block}");
    }
    if let Some(fee) = &step.fee {
        let _ = write!(details, "fee {} wei; gas {} wei; from <code>{}</code>", fee.value, fee.gas_cost, fee.from);
    }
    if let Some(reason) = &step.reason {
        let _ = write!(details, "<span class=\"error\">{}</span>", escape(reason));
    }
    format!(
        "<tr class=\"step\" data-kind=\"{}\"><td>{name}</td><td>{}</td><td class=\"hash\">{}</td><td>{}</td><td>{}</td>\
         <td>{details}</td></tr>",
        step.kind.name(),
        escape(&step.chain.name),
        step.transaction,
        step.block,
        time(step.time)
    )
}

fn wait_kind(wait: &super::wait::Wait) -> String {
    serde_json::to_value(wait)
        .ok()
        .and_then(|value| value.get("kind").and_then(|kind| kind.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// A page that says what is wrong with the request.
pub fn error(message: &str) -> String {
    document("MOS explorer", false, &format!("<p class=\"error\">{}</p>", escape(message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<b>\"Echo\" & 'co'</b>"), "&lt;b&gt;&quot;Echo&quot; &amp; &#39;co&#39;&lt;/b&gt;");
    }

    #[test]
    fn times_are_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_796_601_599), "2026-12-06 23:59:59 UTC");
    }
}
