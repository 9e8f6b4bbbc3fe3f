//! The light node's storage: raw slots, documented in the crate docs ("Storage").

use alloy_primitives::{Address, B256, U256};
use mos_program::{mapping_slot, Host};

/// The deployer, recorded by the init code (`init_code_recording_deployer`): the only account
/// that may call `initialize`.
pub const DEPLOYER_SLOT: [u8; 32] = [0; 32];
/// [`Config`].
const CONFIG: U256 = U256::from_limbs([1, 0, 0, 0]);
/// [`Range`].
const RANGE: U256 = U256::from_limbs([2, 0, 0, 0]);
/// `members[i]` of the current committee is at `MEMBERS + i`, for `i < Config::size`.
const MEMBERS: u64 = 16;
/// Base of `mapping(address member => uint64 epoch)`: the latest epoch `member` belonged to.
const MEMBERSHIP: u64 = 3;
/// Base of `mapping(uint256 blockNumber => bytes32 blockHash)`: the attested hashes.
const ATTESTED: u64 = 4;
/// Base of `mapping(bytes32 proofHash => uint256)`: proofs `verifyProofDataWithCache` verified.
const VERIFIED: u64 = 5;

/// The most members a committee may have: bounds the members' slots and the signatures checked.
pub const MAX_COMMITTEE: usize = 32;

/// The deployer recorded at creation (zero when the program was deployed without it: then nobody
/// can initialise it).
pub fn deployer(host: &Host) -> Address {
    Address::from_word(host.load(U256::from_be_bytes(DEPLOYER_SLOT)))
}

/// The light node's configuration, one word: `sourceChainId ‖ epoch ‖ threshold ‖ size`, each a
/// 64-bit limb from the most significant. All zero before `initialize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Config {
    /// The chain whose blocks are verified.
    pub source_chain: u64,
    /// The current committee's epoch; 0 before `initialize`.
    pub epoch: u64,
    /// How many of the current committee must sign.
    pub threshold: u64,
    /// How many members the current committee has.
    pub size: u64,
}

impl Config {
    /// Reads the configuration.
    pub fn load(host: &Host) -> Self {
        let [size, threshold, epoch, source_chain] = U256::from_be_bytes(host.load(CONFIG).0).into_limbs();
        Self { source_chain, epoch, threshold, size }
    }

    /// Writes the configuration.
    pub fn store(&self, host: &Host) {
        let word = U256::from_limbs([self.size, self.threshold, self.epoch, self.source_chain]);
        host.store(CONFIG, word.into());
    }

    /// Whether `initialize` has run.
    pub fn initialized(&self) -> bool {
        self.epoch != 0
    }
}

/// The lowest and highest attested block numbers, one word: `any ‖ lowest ‖ highest` in the
/// three low limbs (`any` is 1 once a block is attested: block 0 may be).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    /// Whether any block is attested.
    pub any: bool,
    /// The lowest attested block.
    pub lowest: u64,
    /// The highest attested block.
    pub highest: u64,
}

impl Range {
    /// Reads the range.
    pub fn load(host: &Host) -> Self {
        let [highest, lowest, any, _] = U256::from_be_bytes(host.load(RANGE).0).into_limbs();
        Self { any: any != 0, lowest, highest }
    }

    /// Widens the range to include `number`.
    pub fn include(host: &Host, number: u64) {
        let range = Self::load(host);
        let (lowest, highest) =
            if range.any { (range.lowest.min(number), range.highest.max(number)) } else { (number, number) };
        host.store(RANGE, U256::from_limbs([highest, lowest, 1, 0]).into());
    }
}

/// The latest epoch `member` was in the committee of (0: never). A signer counts only when this
/// is the current epoch, so a rotation needs to clear nothing and zero storage authorises no one.
pub fn membership(host: &Host, member: Address) -> u64 {
    let word = host.load(mapping_slot(host, member.into_word(), U256::from(MEMBERSHIP)));
    U256::from_be_bytes(word.0).as_limbs()[0]
}

/// Records that `member` is in the committee of `epoch`.
pub fn set_membership(host: &Host, member: Address, epoch: u64) {
    host.store(mapping_slot(host, member.into_word(), U256::from(MEMBERSHIP)), U256::from(epoch).into());
}

/// Member `index` of the current committee.
pub fn member(host: &Host, index: u64) -> Address {
    Address::from_word(host.load(U256::from(MEMBERS + index)))
}

/// Sets member `index` of the current committee.
pub fn set_member(host: &Host, index: u64, member: Address) {
    host.store(U256::from(MEMBERS + index), member.into_word());
}

/// The attested hash of block `number` (zero: none).
pub fn attested(host: &Host, number: u64) -> B256 {
    host.load(attested_slot(host, number))
}

/// Records `hash` as the attested hash of block `number`.
pub fn set_attested(host: &Host, number: u64, hash: B256) {
    host.store(attested_slot(host, number), hash);
}

fn attested_slot(host: &Host, number: u64) -> U256 {
    mapping_slot(host, U256::from(number).into(), U256::from(ATTESTED))
}

/// What `verifyProofDataWithCache` remembers of the proof whose keccak is `proof_hash`: zero, or
/// where the proven logs sit in the proof (see [`LogsAt`]).
pub fn verified(host: &Host, proof_hash: B256) -> LogsAt {
    LogsAt::from_word(host.load(mapping_slot(host, proof_hash, U256::from(VERIFIED))))
}

/// Remembers that the proof whose keccak is `proof_hash` verified, with its logs at `logs`.
pub fn set_verified(host: &Host, proof_hash: B256, logs: LogsAt) {
    host.store(mapping_slot(host, proof_hash, U256::from(VERIFIED)), logs.to_word());
}

/// Where a verified proof's log list is, as a byte range of the proof: `start ‖ end` in the two
/// low limbs. A log list is never empty (it has its list header), so a remembered range is never
/// zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogsAt {
    /// The first byte of the log list.
    pub start: u64,
    /// One past its last byte; 0 when nothing is remembered.
    pub end: u64,
}

impl LogsAt {
    fn from_word(word: B256) -> Self {
        let [end, start, ..] = U256::from_be_bytes(word.0).into_limbs();
        Self { start, end }
    }

    fn to_word(self) -> B256 {
        U256::from_limbs([self.end, self.start, 0, 0]).into()
    }
}
