//! RLP log lists and the mapMessageOut logs inside them: decoding never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use light_client_iface::LogList;
use mos_message::MessageOut;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = LogList::new(data) {
        let _ = list.len();
        for log in list.iter().flatten() {
            if let Ok(out) = MessageOut::from_log(&log) {
                let _ = out.message();
            }
        }
        let _ = list.get(3);
    }
});
