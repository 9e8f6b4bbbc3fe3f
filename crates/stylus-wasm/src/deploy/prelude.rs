//! The EVM init code cargo-stylus deploys a program with (reference §5.9).

/// Bytes of the prelude before the code: 42 of opcodes and 1 version byte.
pub const PRELUDE_LEN: usize = 43;

/// `code` preceded by the 43-byte deployment prelude:
/// `PUSH32 len; DUP1; PUSH1 0x2b; PUSH1 0; CODECOPY; PUSH1 0; RETURN`, then version byte `00`.
/// Run as a creation transaction it returns `code`, which becomes the account's code.
pub fn init_code(contract_code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(PRELUDE_LEN + contract_code.len());
    push_return_code(&mut init, contract_code);
    init
}

/// Bytes of [`init_code_recording_deployer`]'s prelude: `CALLER PUSH32 slot SSTORE`, then the
/// 43-byte prelude with its offset moved by those 35 bytes.
pub const RECORDING_PRELUDE_LEN: usize = 35 + PRELUDE_LEN;

/// Init code that records the deploying account in storage `slot` of the new contract, then
/// returns `contract_code` as [`init_code`] does.
///
/// A Stylus program has no constructor of its own; EVM init code runs in the new account before its
/// code exists, and its `SSTORE`s stay. Writing `CALLER` there makes "who deployed this" part of the
/// creation itself, so an `initialize` that only the recorded deployer may call cannot be taken by
/// someone who calls it first (a front-run), without a deployer contract.
pub fn init_code_recording_deployer(contract_code: &[u8], slot: [u8; 32]) -> Vec<u8> {
    let mut init = Vec::with_capacity(RECORDING_PRELUDE_LEN + contract_code.len());
    init.push(0x33); // CALLER
    init.push(0x7f); // PUSH32 slot
    init.extend_from_slice(&slot);
    init.push(0x55); // SSTORE(slot, caller)
    push_return_code(&mut init, contract_code);
    init
}

/// Appends the prelude that returns the code following it, then the code: the copy starts right
/// after the prelude, wherever `init` has put it.
fn push_return_code(init: &mut Vec<u8>, contract_code: &[u8]) {
    let code_start = init.len() + PRELUDE_LEN;
    init.push(0x7f); // PUSH32 len
    let mut len = [0u8; 32];
    len[24..].copy_from_slice(&(contract_code.len() as u64).to_be_bytes());
    init.extend_from_slice(&len);
    init.extend_from_slice(&[
        0x80, // DUP1
        0x60,
        code_start as u8, // PUSH1: where the code starts
        0x60,
        0x00, // PUSH1 0
        0x39, // CODECOPY(0, start, len)
        0x60,
        0x00, // PUSH1 0
        0xf3, // RETURN(0, len)
        0x00, // version
    ]);
    init.extend_from_slice(contract_code);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recording_prelude_points_codecopy_at_the_code() {
        let code = [0xef, 0xf0, 0x00, 0x00, 1, 2, 3];
        let init = init_code_recording_deployer(&code, [7; 32]);
        assert_eq!(&init[RECORDING_PRELUDE_LEN..], &code);
        assert_eq!(init[0], 0x33);
        assert_eq!(init[34], 0x55);
        // The PUSH1 operand of the copy offset.
        assert_eq!(init[35 + 33 + 2], RECORDING_PRELUDE_LEN as u8);
    }
}
