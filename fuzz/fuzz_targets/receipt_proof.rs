//! Receipt proofs: decoding and verification (header, MPT, receipt) never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use light_client_iface::{Header, Receipt, ReceiptProofView};

fuzz_target!(|data: &[u8]| {
    if let Ok(view) = ReceiptProofView::decode(data) {
        let _ = view.verify();
    }
    let _ = Header::decode(data);
    let _ = Receipt::decode(data);
});
