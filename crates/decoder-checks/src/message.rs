//! MOS messages: `MessageData` in both encodings, and the logs that carry them.

use light_client_iface::{encode_log_list, LogList};
use mos_message::{MessageData, MessageOut};

/// `MessageData::decode_with_encoding`: what decodes re-encodes, in the encoding it was read in,
/// to exactly the input; `decode` reads the same message. Accepted: it decoded.
pub fn message_data(data: &[u8]) -> bool {
    let Ok((message, encoding)) = MessageData::decode_with_encoding(data) else {
        assert!(MessageData::decode(data).is_err(), "decode accepted what decode_with_encoding refused");
        return false;
    };
    assert_eq!(message.encode_as(encoding), data, "{encoding:?} re-encoding differs from the input");
    assert_eq!(MessageData::decode(data).as_ref(), Ok(&message), "decode and decode_with_encoding disagree");
    let _ = message.target_address();
    true
}

/// `LogList::new` and the lazy readers over it: `len`, `get` and the iterator agree; a list whose
/// every log decodes re-encodes to the input; a `mapMessageOut` log's message decodes or is refused.
/// Accepted: every log decoded.
pub fn log_list(data: &[u8]) -> bool {
    let Ok(list) = LogList::new(data) else { return false };
    let logs: Vec<_> = list.iter().collect();
    let whole: Result<Vec<_>, _> = logs.iter().cloned().collect();
    match (&whole, list.len()) {
        (Ok(views), Ok(len)) => assert_eq!(views.len(), len, "len and the iterator disagree"),
        (Ok(_), Err(error)) => panic!("len failed ({error}) on a list every log of which decodes"),
        (Err(_), _) => {}
    }
    for (index, log) in logs.iter().enumerate() {
        match (log, list.get(index)) {
            (Ok(from_iter), Ok(from_get)) => assert_eq!(from_iter, &from_get, "get({index}) and the iterator disagree"),
            (Ok(_), Err(error)) => panic!("get({index}) failed ({error}) on a log the iterator read"),
            (Err(_), _) => {}
        }
        let Ok(view) = log else { continue };
        assert_eq!(view.topics().len(), view.topic_count());
        if let Ok(out) = MessageOut::from_log(view) {
            let _ = out.message();
            let _ = out.to_event();
        }
    }
    let Ok(views) = whole else { return false };
    let owned: Vec<_> = views.iter().map(|view| view.to_log()).collect();
    assert_eq!(list.to_logs().as_ref(), Ok(&owned), "to_logs and the views disagree");
    assert_eq!(encode_log_list(&owned), data, "a decoded log list re-encodes differently");
    true
}
