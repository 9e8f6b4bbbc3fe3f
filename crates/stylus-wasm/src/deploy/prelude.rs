//! The EVM init code cargo-stylus deploys a program with (reference §5.9).

/// Bytes of the prelude before the code: 42 of opcodes and 1 version byte.
pub const PRELUDE_LEN: usize = 43;

/// `code` preceded by the 43-byte deployment prelude:
/// `PUSH32 len; DUP1; PUSH1 0x2b; PUSH1 0; CODECOPY; PUSH1 0; RETURN`, then version byte `00`.
/// Run as a creation transaction it returns `code`, which becomes the account's code.
pub fn init_code(contract_code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(PRELUDE_LEN + contract_code.len());
    init.push(0x7f); // PUSH32
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(contract_code.len() as u64).to_be_bytes());
    init.extend_from_slice(&len);
    init.extend_from_slice(&[
        0x80, // DUP1
        0x60,
        PRELUDE_LEN as u8, // PUSH1 0x2b: where the code starts
        0x60,
        0x00, // PUSH1 0
        0x39, // CODECOPY(0, 0x2b, len)
        0x60,
        0x00, // PUSH1 0
        0xf3, // RETURN(0, len)
        0x00, // version
    ]);
    init.extend_from_slice(contract_code);
    init
}
