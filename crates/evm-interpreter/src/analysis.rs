//! Jump-destination analysis: which offsets hold a `JUMPDEST` opcode rather than push data.

use crate::opcode;

/// Bitmap of valid jump destinations, one bit per code byte.
pub(crate) struct JumpTable {
    bits: Vec<u64>,
}

impl JumpTable {
    /// Scans `code` once, skipping the immediate bytes of every `PUSHn`.
    pub(crate) fn analyze(code: &[u8]) -> Self {
        let mut bits = vec![0u64; code.len().div_ceil(64)];
        let mut pc = 0;
        while let Some(&op) = code.get(pc) {
            if op == opcode::JUMPDEST {
                if let Some(word) = bits.get_mut(pc / 64) {
                    *word |= 1 << (pc % 64);
                }
            }
            pc += 1 + opcode::push_size(op);
        }
        Self { bits }
    }

    /// Whether `dest` is a `JUMPDEST` opcode.
    pub(crate) fn is_valid(&self, dest: usize) -> bool {
        self.bits.get(dest / 64).is_some_and(|word| word & (1 << (dest % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_data_is_not_a_destination() {
        // JUMPDEST, PUSH2 5b 5b, JUMPDEST, PUSH32 truncated over a 5b.
        let code = [0x5b, 0x61, 0x5b, 0x5b, 0x5b, 0x7f, 0x5b];
        let table = JumpTable::analyze(&code);
        let valid: Vec<usize> = (0..code.len() + 70).filter(|&pc| table.is_valid(pc)).collect();
        assert_eq!(valid, [0, 4]);
    }
}
