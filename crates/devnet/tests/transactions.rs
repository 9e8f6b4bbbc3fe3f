//! Transactions on the devnet: transfers, refusals with geth's messages, EVM contracts, blocks.

mod common;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEnvelope, TypedTransaction};
use alloy_eips::{
    eip2718::Encodable2718,
    eip2930::{AccessList, AccessListItem},
};
use alloy_primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_signer::SignerSync;
use common::{Dev, GAS_PRICE};
use devnet::{dev_accounts::dev_signer, tx::TxError, BlockId, Chain, ChainConfig, ChainError, DevAccounts};

#[test]
fn genesis_funds_the_ten_dev_accounts_and_hashes_its_header() {
    let dev = Dev::new();
    let accounts = dev.chain.accounts();
    assert_eq!(accounts.len(), 10);
    for account in accounts {
        assert_eq!(
            dev.chain.read_state(BlockId::Latest, |s| s.balance(&account)).unwrap(),
            dev.chain.config().dev_balance
        );
    }
    let genesis = dev.chain.block(BlockId::Number(0)).unwrap();
    assert_eq!(genesis.hash, keccak256(genesis.header.encode()));
}

#[test]
fn a_nitro_genesis_funds_only_nitros_dev_account_which_signs_for_eth_send_transaction() {
    let config = ChainConfig { dev_accounts: "nitro".parse().unwrap(), ..ChainConfig::default() };
    let mut chain = Chain::new(config);
    let nitro: Address = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E".parse().unwrap();
    assert_eq!(devnet::dev_accounts::nitro_dev_signer().address(), nitro);
    assert_eq!(chain.accounts(), [nitro]);
    let balance = |chain: &Chain, account| chain.read_state(BlockId::Latest, |s| s.balance(&account)).unwrap();
    assert_eq!(balance(&chain, nitro), chain.config().dev_balance);
    assert_eq!(balance(&chain, Dev::address(1)), U256::ZERO, "the mnemonic's accounts are not funded");
    let transfer = TxEip1559 {
        chain_id: chain.config().chain_id,
        to: TxKind::Call(Dev::address(1)),
        value: U256::from(7),
        gas_limit: 21_000,
        max_fee_per_gas: GAS_PRICE,
        ..TxEip1559::default()
    };
    chain.send_transaction(nitro, TypedTransaction::Eip1559(transfer)).unwrap();
    assert_eq!(balance(&chain, Dev::address(1)), U256::from(7));
    let refused = chain.send_transaction(Dev::address(1), TypedTransaction::Eip1559(TxEip1559::default()));
    assert!(matches!(refused, Err(ChainError::UnknownAccount(account)) if account == Dev::address(1)), "{refused:?}");
    let unknown = "anvil".parse::<DevAccounts>().unwrap_err();
    assert_eq!(unknown, "`anvil` is not a set of dev accounts: `mnemonic` or `nitro`");
}

#[test]
fn a_transfer_moves_value_charges_21000_gas_and_mines_a_block() {
    let mut dev = Dev::new();
    let (from, to) = (Dev::address(1), Dev::address(2));
    let before = |dev: &Dev, a| dev.chain.read_state(BlockId::Latest, |s| s.balance(&a)).unwrap();
    let (from_before, to_before) = (before(&dev, from), before(&dev, to));
    let receipt = dev.send(1, TxKind::Call(to), U256::from(12_345), Bytes::new(), 21_000);
    assert!(receipt.receipt.success);
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(dev.chain.latest().number(), 1);
    let base_fee = U256::from(dev.chain.config().base_fee);
    assert_eq!(before(&dev, to), to_before + U256::from(12_345));
    assert_eq!(before(&dev, from), from_before - U256::from(12_345) - U256::from(21_000) * base_fee);
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.nonce(&from)).unwrap(), 1);
    // History: the balance at the genesis block is the old one.
    assert_eq!(dev.chain.read_state(BlockId::Number(0), |s| s.balance(&to)).unwrap(), to_before);
}

#[test]
fn refused_transactions_change_nothing_and_say_why() {
    let mut dev = Dev::new();
    let to = TxKind::Call(Dev::address(2));
    let stale = dev.sign_with_nonce(1, 0, to, U256::ZERO, Bytes::new(), 21_000);
    dev.chain.send_raw_transaction(&stale).unwrap();
    assert_eq!(dev.chain.send_raw_transaction(&stale), Err(ChainError::Tx(TxError::AlreadyKnown)));
    let replay = dev.sign_with_nonce(1, 0, to, U256::ONE, Bytes::new(), 21_000);
    let error = dev.chain.send_raw_transaction(&replay).unwrap_err();
    assert_eq!(error.to_string(), "nonce too low: next nonce 1, tx nonce 0");
    let future = dev.sign_with_nonce(1, 5, to, U256::ZERO, Bytes::new(), 21_000);
    assert_eq!(
        dev.chain.send_raw_transaction(&future).unwrap_err().to_string(),
        "nonce too high: next nonce 1, tx nonce 5"
    );
    let low_gas = dev.sign(1, to, U256::ZERO, Bytes::new(), 20_000);
    assert_eq!(
        dev.chain.send_raw_transaction(&low_gas).unwrap_err().to_string(),
        "intrinsic gas too low: gas 20000, minimum needed 21000"
    );
    let rich = dev.sign(1, to, U256::MAX / U256::from(2), Bytes::new(), 21_000);
    assert!(dev
        .chain
        .send_raw_transaction(&rich)
        .unwrap_err()
        .to_string()
        .starts_with("insufficient funds for gas * price + value"));
    // An EIP-2930 transaction with its type byte written 0x81: alloy's decoder reads the same
    // transaction, whose hash (of the canonical bytes) is not the one its sender computed.
    let access_list = AccessList(vec![AccessListItem { address: Dev::address(2), storage_keys: vec![B256::ZERO] }]);
    let eip2930 = TxEip2930 {
        chain_id: dev.chain.config().chain_id,
        nonce: 1,
        gas_price: GAS_PRICE,
        gas_limit: 30_000,
        to,
        access_list,
        ..TxEip2930::default()
    };
    let signature = dev_signer(1).unwrap().sign_hash_sync(&eip2930.signature_hash()).unwrap();
    let mut high_type = TxEnvelope::from(eip2930.into_signed(signature)).encoded_2718();
    high_type[0] = 0x81;
    assert_eq!(
        dev.chain.send_raw_transaction(&high_type).unwrap_err().to_string(),
        "transaction could not be decoded: not the transaction's canonical encoding"
    );
    assert!(dev
        .chain
        .send_raw_transaction(&[0x02, 0xc0])
        .unwrap_err()
        .to_string()
        .starts_with("transaction could not be decoded"));
    assert_eq!(dev.chain.latest().number(), 1, "no block for refused transactions");
}

/// EVM init code that deploys `runtime`.
fn deploy_code(runtime: &[u8]) -> Bytes {
    // PUSH1 len DUP1 PUSH1 12 PUSH1 0 CODECOPY PUSH1 0 RETURN, then the runtime.
    let mut code = vec![0x60, runtime.len() as u8, 0x80, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00];
    code.extend_from_slice(runtime);
    code.into()
}

#[test]
fn an_evm_contract_stores_logs_and_answers_calls() {
    let mut dev = Dev::new();
    // Runtime: SSTORE(0, CALLDATALOAD(0)); LOG1(0, 0, topic = CALLDATALOAD(0)); then return SLOAD(0).
    let runtime = [
        0x60, 0x00, 0x35, // CALLDATALOAD(0)
        0x80, // DUP1
        0x60, 0x00, 0x55, // SSTORE(0, v)
        0x60, 0x00, 0x60, 0x00, 0xa1, // LOG1(0, 0, v)
        0x60, 0x00, 0x54, // SLOAD(0)
        0x60, 0x00, 0x52, // MSTORE(0, v)
        0x60, 0x20, 0x60, 0x00, 0xf3, // RETURN(0, 32)
    ];
    let receipt = dev.send(0, TxKind::Create, U256::ZERO, deploy_code(&runtime), 200_000);
    let contract = receipt.contract_address.unwrap();
    assert_eq!(dev.chain.code(contract, BlockId::Latest).unwrap().as_ref(), runtime.as_slice());

    let value = U256::from(0xbeefu64).to_be_bytes::<32>();
    let receipt = dev.send(0, TxKind::Call(contract), U256::ZERO, Bytes::copy_from_slice(&value), 100_000);
    assert!(receipt.receipt.success);
    assert_eq!(receipt.receipt.logs.len(), 1);
    assert_eq!(receipt.receipt.logs[0].address, contract);
    assert_eq!(receipt.receipt.logs[0].topics()[0].0, value);
    // 21000 + calldata (30 zero bytes × 4 + 2 × 16) + SSTORE 20000 + cold slot 2100 + LOG1 750 + ...
    assert!(receipt.gas_used > 43_000 && receipt.gas_used < 45_000, "{}", receipt.gas_used);
    assert_eq!(
        dev.chain.read_state(BlockId::Latest, |s| s.storage(&contract, &U256::ZERO)).unwrap(),
        U256::from(0xbeefu64)
    );
    let answer = dev.call(contract, Bytes::copy_from_slice(&U256::from(7).to_be_bytes::<32>()));
    assert!(answer.success);
    assert_eq!(answer.output.as_ref(), U256::from(7).to_be_bytes::<32>().as_slice());
    assert_eq!(
        dev.chain.read_state(BlockId::Latest, |s| s.storage(&contract, &U256::ZERO)).unwrap(),
        U256::from(0xbeefu64),
        "eth_call leaves no trace"
    );
}

#[test]
fn a_reverting_transaction_is_mined_with_status_zero_and_pays_its_gas() {
    let mut dev = Dev::new();
    // Runtime: REVERT(0, 0)
    let receipt = dev.send(0, TxKind::Create, U256::ZERO, deploy_code(&[0x60, 0x00, 0x60, 0x00, 0xfd]), 100_000);
    let contract = receipt.contract_address.unwrap();
    let balance = dev.chain.read_state(BlockId::Latest, |s| s.balance(&Dev::address(0))).unwrap();
    let receipt = dev.send(0, TxKind::Call(contract), U256::from(5), Bytes::new(), 50_000);
    assert!(!receipt.receipt.success);
    let after = dev.chain.read_state(BlockId::Latest, |s| s.balance(&Dev::address(0))).unwrap();
    let charged = U256::from(receipt.gas_used) * U256::from(dev.chain.config().base_fee);
    assert_eq!(after, balance - charged, "value returned, gas paid");
    assert!(receipt.gas_used < 50_000);
    let _ = GAS_PRICE;
}

#[test]
fn snapshots_revert_blocks_and_state() {
    let mut dev = Dev::new();
    let snapshot = dev.chain.snapshot();
    dev.send(1, TxKind::Call(Dev::address(2)), U256::from(1), Bytes::new(), 21_000);
    dev.send(1, TxKind::Call(Dev::address(2)), U256::from(1), Bytes::new(), 21_000);
    assert_eq!(dev.chain.latest().number(), 2);
    dev.chain.revert_to_snapshot(snapshot).unwrap();
    assert_eq!(dev.chain.latest().number(), 0);
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.nonce(&Dev::address(1))).unwrap(), 0);
    assert_eq!(dev.chain.revert_to_snapshot(snapshot), Err(ChainError::UnknownSnapshot(snapshot)));
}

#[test]
fn a_revert_keeps_what_dev_methods_changed_before_the_snapshot_and_undoes_what_came_after() {
    let mut dev = Dev::new();
    let (funded, later) = (Address::repeat_byte(0xf1), Address::repeat_byte(0xf2));
    let balance = |dev: &Dev, account: Address| dev.chain.read_state(BlockId::Latest, |s| s.balance(&account)).unwrap();
    let earlier = dev.chain.snapshot();
    dev.chain.set_balance(funded, U256::from(7));
    let snapshot = dev.chain.snapshot();
    dev.send(1, TxKind::Call(funded), U256::from(1), Bytes::new(), 21_000);
    dev.chain.set_balance(later, U256::from(9));
    dev.chain.revert_to_snapshot(snapshot).unwrap();
    assert_eq!((balance(&dev, funded), balance(&dev, later)), (U256::from(7), U256::ZERO));
    dev.chain.revert_to_snapshot(earlier).unwrap();
    assert_eq!(balance(&dev, funded), U256::ZERO, "set after the earlier snapshot");
}

#[test]
fn without_auto_mining_transactions_wait_for_the_next_block() {
    let mut dev = Dev::new();
    dev.chain.set_auto_mine(false);
    let to = TxKind::Call(Dev::address(2));
    let first = dev.sign_with_nonce(1, 0, to, U256::from(1), Bytes::new(), 21_000);
    let second = dev.sign_with_nonce(1, 1, to, U256::from(2), Bytes::new(), 21_000);
    let a = dev.chain.send_raw_transaction(&first).unwrap();
    let b = dev.chain.send_raw_transaction(&second).unwrap();
    assert_eq!(dev.chain.latest().number(), 0);
    assert!(dev.chain.transaction(&a).is_none(), "not mined yet");
    assert_eq!(dev.chain.next_nonce(&Dev::address(1)), 2);
    assert_eq!(dev.chain.mine(), 1);
    let block = dev.chain.latest();
    assert_eq!(block.transactions.len(), 2);
    assert_eq!(block.receipts[1].receipt.cumulative_gas_used, 42_000);
    assert_eq!(block.receipts[1].first_log_index, 0);
    assert_eq!(dev.chain.transaction(&b).unwrap().1, 1);
}

#[test]
fn a_saved_chain_loads_with_its_blocks_state_and_transactions() {
    let mut dev = Dev::new();
    let receipt = dev.send(1, TxKind::Call(Dev::address(2)), U256::from(77), Bytes::new(), 21_000);
    let tx_hash = dev.chain.latest().transactions[0].hash;
    let path = std::env::temp_dir().join(format!("devnet-state-{}.json", std::process::id()));
    devnet::persist::save(&dev.chain.to_saved(), &path).unwrap();
    let loaded = devnet::Chain::from_saved(devnet::persist::load(&path).unwrap()).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded.latest().hash, dev.chain.latest().hash);
    assert_eq!(loaded.transaction(&tx_hash).unwrap().0.receipts[0], receipt);
    assert_eq!(
        loaded.read_state(BlockId::Latest, |s| s.balance(&Dev::address(2))).unwrap(),
        dev.chain.read_state(BlockId::Latest, |s| s.balance(&Dev::address(2))).unwrap()
    );
    assert!(devnet::persist::load(std::path::Path::new("/nonexistent/state.json")).is_err());
}

#[test]
fn a_block_takes_only_the_queued_transactions_its_gas_limit_allows() {
    let mut dev = Dev::new();
    dev.chain.set_auto_mine(false);
    let limit = dev.chain.config().block_gas_limit;
    let big = limit / 2 + 1;
    for nonce in 0..3 {
        let raw = dev.sign_with_nonce(1, nonce, TxKind::Call(Dev::address(2)), U256::ZERO, Bytes::new(), big);
        dev.chain.send_raw_transaction(&raw).unwrap();
    }
    dev.chain.mine();
    assert_eq!(dev.chain.latest().transactions.len(), 1, "two halves plus one do not fit");
    assert_eq!(dev.chain.pending().len(), 2);
    dev.chain.mine();
    dev.chain.mine();
    assert!(dev.chain.pending().is_empty());
    assert_eq!(dev.chain.read_state(BlockId::Latest, |s| s.nonce(&Dev::address(1))).unwrap(), 3);
}
