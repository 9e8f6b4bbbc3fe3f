#!/usr/bin/env bash
# Drives the devnet with foundry's `cast`, as a user would, and checks every answer: chain id,
# blocks, balances, `cast send` (a transfer, a Stylus deployment and its activation through ArbWasm,
# program calls), `cast call`, `cast storage`, `cast logs`, `cast receipt`, `cast estimate`, a
# revert. Exits non-zero on the first wrong answer. `make cast-check` runs it.
#
# cast comes from npm (@foundry-rs/cast, installed once into target/tools); the devnet and the test
# program are built from this workspace.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CAST_VERSION="${CAST_VERSION:-1.7.1}"
OUT="$ROOT/target/stylus/cast-check"

# The platform's native binary, installed from npm the first time (scripts/foundry-tool.sh).
CAST="$("$ROOT/scripts/foundry-tool.sh" cast "$CAST_VERSION")"
command -v jq >/dev/null || { echo "cast-check: jq is needed" >&2; exit 1; }
cd "$ROOT"
cargo build -q -p mos-cli
cargo run -q -p stylus-build -- test-probe --out-dir "$OUT" >/dev/null

# shellcheck source=scripts/devnet.sh
. "$ROOT/scripts/devnet.sh"
trap stop_devnet EXIT
start_devnet cast-check
export ETH_RPC_URL="$RPC"

# The first two dev accounts of the test mnemonic.
KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
ALICE=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
BOB=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
ARB_WASM=0x0000000000000000000000000000000000000071

checks=0
expect() { # expect <what> <expected> <actual>
    if [ "$2" != "$3" ]; then
        echo "cast-check: $1: expected '$2', got '$3'" >&2
        exit 1
    fi
    checks=$((checks + 1))
    echo "ok  $1: $3"
}

expect "cast chain-id" 412346 "$("$CAST" chain-id)"
expect "cast block-number (genesis)" 0 "$("$CAST" block-number)"
expect "cast balance" 10000000000000000000000 "$("$CAST" balance $ALICE)"
expect "cast nonce" 0 "$("$CAST" nonce $ALICE)"

# A transfer.
tx="$("$CAST" send --private-key $KEY $BOB --value 1ether --json | jq -r .transactionHash)"
expect "cast send (transfer): status" true "$("$CAST" receipt "$tx" status)"
expect "cast balance after it" 10001000000000000000000 "$("$CAST" balance $BOB)"
expect "cast block-number" 1 "$("$CAST" block-number)"
expect "cast block: its transaction" "$tx" "$("$CAST" block 1 --json | jq -r '.transactions[0]')"
expect "cast tx: from" "$(echo $ALICE | tr A-F a-f)" "$("$CAST" tx "$tx" from | tr A-F a-f)"

# Deploy a Stylus program (EF F0 00 code) and activate it through ArbWasm.
created="$("$CAST" send --private-key $KEY --create "$(cat "$OUT/test-probe.init.hex")" --json)"
expect "cast send --create: status" 0x1 "$(echo "$created" | jq -r .status)"
PROBE="$(echo "$created" | jq -r .contractAddress)"
expect "cast code: the Stylus prefix" 0xeff000 "$("$CAST" code "$PROBE" | cut -c1-8)"
activated="$("$CAST" send --private-key $KEY $ARB_WASM 'activateProgram(address)' "$PROBE" --value 0.1ether --json)"
expect "ArbWasm.activateProgram: status" 0x1 "$(echo "$activated" | jq -r .status)"
expect "ArbWasm.programVersion" 2 "$("$CAST" call $ARB_WASM 'programVersion(address)(uint16)' "$PROBE")"

# Call it: a store, read back by call and by storage; a log, found by cast logs.
KEY1=0x00000000000000000000000000000000000000000000000000000000000000aa
VALUE=0x00000000000000000000000000000000000000000000000000000000c0ffee00
tx="$("$CAST" send --private-key $KEY "$PROBE" 'store(bytes32,bytes32)' $KEY1 $VALUE --json | jq -r .transactionHash)"
expect "cast send (program): status" true "$("$CAST" receipt "$tx" status)"
expect "cast call" $VALUE "$("$CAST" call "$PROBE" 'load(bytes32)(bytes32)' $KEY1)"
expect "cast storage" $VALUE "$("$CAST" storage "$PROBE" $KEY1)"
gas="$("$CAST" estimate --from $ALICE "$PROBE" 'store(bytes32,bytes32)' $KEY1 $VALUE)"
[ "$gas" -gt 21000 ] && [ "$gas" -lt 1000000 ] || { echo "cast-check: cast estimate gave $gas" >&2; exit 1; }
echo "ok  cast estimate: $gas"
TOPIC=0x1111111111111111111111111111111111111111111111111111111111111111
tx="$("$CAST" send --private-key $KEY "$PROBE" 'emitLog(bytes32[],bytes)' "[$TOPIC]" 0xbeef --json | jq -r .transactionHash)"
receipt="$("$CAST" receipt "$tx" --json)"
expect "cast receipt: logs" 1 "$(echo "$receipt" | jq '.logs | length')"
expect "cast receipt: the log's data" 0xbeef "$(echo "$receipt" | jq -r '.logs[0].data')"
logs="$("$CAST" logs --from-block 0 --address "$PROBE" $TOPIC --json)"
expect "cast logs: found by topic" 1 "$(echo "$logs" | jq length)"
expect "cast logs: its transaction" "$tx" "$(echo "$logs" | jq -r '.[0].transactionHash')"
expect "cast logs: another topic finds none" 0 "$("$CAST" logs --from-block 0 --address "$PROBE" 0x$(printf '2%.0s' $(seq 64)) --json | jq length)"

# A revert: cast reports the revert data and exits non-zero.
if out="$("$CAST" call "$PROBE" 'storeThenRevert(bytes32,bytes32)' $KEY1 $VALUE 2>&1)"; then
    echo "cast-check: a reverting call succeeded: $out" >&2
    exit 1
fi
expect "cast call of a reverting function" 'Error: server returned an error response: error code 3: execution reverted, data: "0x"' "$out"
if out="$("$CAST" call $ARB_WASM 'nope()' 2>&1)"; then
    echo "cast-check: an unknown ArbWasm method succeeded: $out" >&2
    exit 1
fi
expect "cast call of an unknown ArbWasm method" 'Error: server returned an error response: error code 3: execution reverted, data: "0x"' "$out"

echo "cast-check: $checks answers as expected (cast $("$CAST" --version | head -1 | awk '{print $3}'), devnet at $RPC)"
