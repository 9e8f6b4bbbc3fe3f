//! A relay chain sealed as MAP's (the devnet's IBFT mode, `devnet::ibft`), in process, and what a
//! MAP light node is given of it: sealed headers with their signers' summed G2 key, and receipt
//! proofs. For the MAP light node's tests and its gas measurements.

use alloy_consensus::{TxEip1559, TypedTransaction};
use alloy_primitives::{Address, TxKind, B256, U256};
use devnet::{
    ibft::{atlas_header, dev_validator_keys, IbftConfig, Validator},
    BlockId, Chain, ChainConfig,
};
use map_ibft::{bls::sum_g2, IstanbulExtra, SealedHeader, SealedReceiptProof, G2_KEY_LENGTH};

/// An IBFT relay chain and its validators' account keys.
pub struct SealedRelay {
    /// The chain.
    pub chain: Chain,
    /// The validators' account keys: the first set's first, then any kept for proposals.
    pub keys: Vec<B256>,
}

impl SealedRelay {
    /// `count` dev validators (two more keys kept for proposals), the last `absent` of them never
    /// signing, epochs of `epoch_size` blocks.
    ///
    /// # Panics
    /// When the configuration is refused.
    pub fn new(count: usize, absent: usize, epoch_size: u64) -> Self {
        Self::with_keys(dev_validator_keys(count + 2), count, absent, epoch_size)
    }

    /// [`SealedRelay::new`] with the first `count` of `keys` as the validators.
    ///
    /// # Panics
    /// As [`SealedRelay::new`].
    pub fn with_keys(keys: Vec<B256>, count: usize, absent: usize, epoch_size: u64) -> Self {
        let address = |key: &B256| Validator::from_key(*key).expect("a dev key").address;
        let absent = keys[count - absent..count].iter().map(address).collect();
        let ibft = IbftConfig { epoch_size, validators: keys[..count].to_vec(), absent, proposals: Vec::new() };
        let chain = Chain::try_new(ChainConfig { ibft: Some(ibft), ..ChainConfig::default() }).expect("an IBFT chain");
        Self { chain, keys }
    }

    /// Mines blocks up to `number`, a transfer in each (so each has a receipt).
    ///
    /// # Panics
    /// When a transfer is refused.
    pub fn mine_to(&mut self, number: u64) {
        while self.chain.latest().number() < number {
            self.transfer();
        }
    }

    /// Mines empty blocks up to `number`.
    pub fn mine_empty_to(&mut self, number: u64) {
        while self.chain.latest().number() < number {
            self.chain.mine();
        }
    }

    /// One transfer, in a block of its own.
    ///
    /// # Panics
    /// When it is refused.
    pub fn transfer(&mut self) {
        let from = self.chain.accounts()[0];
        let tx = TxEip1559 {
            chain_id: self.chain.config().chain_id,
            nonce: self.chain.next_nonce(&from),
            gas_limit: 21_000,
            max_fee_per_gas: 1_000_000_000,
            max_priority_fee_per_gas: 0,
            to: TxKind::Call(Address::repeat_byte(0x42)),
            value: U256::from(1),
            ..TxEip1559::default()
        };
        self.chain.send_transaction(from, TypedTransaction::Eip1559(tx)).expect("a transfer");
    }

    /// Block `n`'s header with the summed G2 key of the validators its bitmap names.
    ///
    /// # Panics
    /// When the block is not mined.
    pub fn sealed(&self, n: u64) -> SealedHeader {
        let block = self.chain.block(BlockId::Number(n)).expect("a mined block");
        let set = self.chain.validators_for(n).expect("its validators");
        let (_, extra) = IstanbulExtra::from_extra_data(&block.header.extra_data).expect("an Istanbul extra");
        let signers: Vec<[u8; G2_KEY_LENGTH]> =
            (0..set.len()).filter(|i| extra.aggregated_seal.bitmap.bit(*i)).map(|i| set.g2_keys[i]).collect();
        SealedHeader {
            header: atlas_header(&block.header).encode().into(),
            aggregated_key: sum_g2(&signers).expect("G2 keys"),
        }
    }

    /// The proof of block `n`'s first receipt.
    ///
    /// # Panics
    /// When the block has no receipt.
    pub fn receipt_proof(&self, n: u64) -> SealedReceiptProof {
        let block = self.chain.block(BlockId::Number(n)).expect("a mined block");
        let receipts: Vec<_> = block.receipts.iter().map(|r| r.receipt.clone()).collect();
        let nodes =
            mos_prover::trie_paths(block.header.receipts_root, &receipts, &[0]).expect("its receipts").remove(0);
        SealedReceiptProof { sealed: self.sealed(n), receipt_index: 0, nodes }
    }

    /// The G1 keys of the validators that sign block `n`, concatenated.
    ///
    /// # Panics
    /// Beyond the next epoch.
    pub fn keys_for(&self, n: u64) -> Vec<u8> {
        self.chain.validators_for(n).expect("its validators").g1_keys.concat()
    }

    /// Validator `index`'s address.
    ///
    /// # Panics
    /// For an index without a key.
    pub fn address(&self, index: usize) -> Address {
        Validator::from_key(self.keys[index]).expect("a dev key").address
    }
}
