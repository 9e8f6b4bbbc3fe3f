//! Borrowing RLP readers with the context a person needs to read an error.
//!
//! alloy-rlp checks canonical form (no leading zeros, no long form for short items, single bytes
//! below 0x80 unwrapped); these helpers add what the item is and the structural checks a format needs.

use alloy_rlp::{Decodable, Header};

use crate::RlpError;

/// Takes the next item, which must be a list; returns its payload.
pub(crate) fn take_list<'a>(buf: &mut &'a [u8], what: &'static str) -> Result<&'a [u8], RlpError> {
    Header::decode_bytes(buf, true).map_err(|source| RlpError::Malformed { what, source })
}

/// Takes the next item, which must be a byte string; returns its payload.
pub(crate) fn take_string<'a>(buf: &mut &'a [u8], what: &'static str) -> Result<&'a [u8], RlpError> {
    Header::decode_bytes(buf, false).map_err(|source| RlpError::Malformed { what, source })
}

/// Takes the next item, a byte string of exactly `N` bytes.
pub(crate) fn take_fixed<'a, const N: usize>(buf: &mut &'a [u8], what: &'static str) -> Result<&'a [u8; N], RlpError> {
    let bytes = take_string(buf, what)?;
    bytes.try_into().map_err(|_| RlpError::WrongLength { what, expected: N, found: bytes.len() })
}

/// Takes the next item and decodes it as `T`.
pub(crate) fn take<T: Decodable>(buf: &mut &[u8], what: &'static str) -> Result<T, RlpError> {
    T::decode(buf).map_err(|source| RlpError::Malformed { what, source })
}

/// Takes the next item whatever it is; returns its whole encoding, header included.
pub(crate) fn take_raw<'a>(buf: &mut &'a [u8], what: &'static str) -> Result<&'a [u8], RlpError> {
    let start = *buf;
    let header = Header::decode(buf).map_err(|source| RlpError::Malformed { what, source })?;
    if buf.len() < header.payload_length {
        return Err(RlpError::Malformed { what, source: alloy_rlp::Error::InputTooShort });
    }
    *buf = &buf[header.payload_length..];
    Ok(&start[..start.len() - buf.len()])
}

/// Checks that nothing is left after the items read from `buf`.
pub(crate) fn done(buf: &[u8], what: &'static str) -> Result<(), RlpError> {
    match buf.len() {
        0 => Ok(()),
        extra => Err(RlpError::TrailingBytes { what, extra }),
    }
}

/// The payload of `data`, which must be exactly one list.
pub(crate) fn whole_list<'a>(data: &'a [u8], what: &'static str) -> Result<&'a [u8], RlpError> {
    let mut buf = data;
    let payload = take_list(&mut buf, what)?;
    done(buf, what)?;
    Ok(payload)
}
