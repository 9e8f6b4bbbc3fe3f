//! Strict RLP reading: every item canonical, lists of the stated length, nothing left over.

use alloy_rlp::{Decodable, Header};

use crate::IbftError;

/// The payload of the list at the front of `buf`, which is advanced past it.
pub(crate) fn list<'a>(buf: &mut &'a [u8], what: &'static str) -> Result<&'a [u8], IbftError> {
    let header = Header::decode(buf).map_err(IbftError::rlp(what))?;
    if !header.list {
        return Err(IbftError::Rlp { what, source: alloy_rlp::Error::UnexpectedString });
    }
    take(buf, header.payload_length, what)
}

/// The payload of the list that is the whole of `data`.
pub(crate) fn whole_list<'a>(data: &'a [u8], what: &'static str) -> Result<&'a [u8], IbftError> {
    let mut buf = data;
    let payload = list(&mut buf, what)?;
    if !buf.is_empty() {
        return Err(IbftError::Rlp { what, source: alloy_rlp::Error::UnexpectedLength });
    }
    Ok(payload)
}

/// The payload of the string at the front of `buf`, which is advanced past it.
pub(crate) fn string<'a>(buf: &mut &'a [u8], what: &'static str) -> Result<&'a [u8], IbftError> {
    let header = Header::decode(buf).map_err(IbftError::rlp(what))?;
    if header.list {
        return Err(IbftError::Rlp { what, source: alloy_rlp::Error::UnexpectedList });
    }
    take(buf, header.payload_length, what)
}

/// A string of exactly `N` bytes.
pub(crate) fn fixed<const N: usize>(buf: &mut &[u8], what: &'static str) -> Result<[u8; N], IbftError> {
    let bytes = string(buf, what)?;
    bytes.try_into().map_err(|_| IbftError::Length { what, expected: N, found: bytes.len() })
}

/// A canonical scalar or other `Decodable` item.
pub(crate) fn item<T: Decodable>(buf: &mut &[u8], what: &'static str) -> Result<T, IbftError> {
    T::decode(buf).map_err(IbftError::rlp(what))
}

/// Checks that a list's payload was read to its end.
pub(crate) fn done(rest: &[u8], what: &'static str, expected: &'static str, read: usize) -> Result<(), IbftError> {
    if rest.is_empty() {
        return Ok(());
    }
    let mut extra = rest;
    let mut found = read;
    while !extra.is_empty() {
        let header = Header::decode(&mut extra).map_err(IbftError::rlp(what))?;
        take(&mut extra, header.payload_length, what)?;
        found += 1;
    }
    Err(IbftError::ItemCount { what, expected, found })
}

/// The next `len` bytes of `buf`, which is advanced past them.
fn take<'a>(buf: &mut &'a [u8], len: usize, what: &'static str) -> Result<&'a [u8], IbftError> {
    if buf.len() < len {
        return Err(IbftError::Rlp { what, source: alloy_rlp::Error::InputTooShort });
    }
    let (taken, rest) = buf.split_at(len);
    *buf = rest;
    Ok(taken)
}

/// `payload` as an RLP list.
pub(crate) fn wrap_list(payload: &[u8]) -> alloc::vec::Vec<u8> {
    let mut out = alloc::vec::Vec::with_capacity(payload.len() + 9);
    Header { list: true, payload_length: payload.len() }.encode(&mut out);
    out.extend_from_slice(payload);
    out
}
