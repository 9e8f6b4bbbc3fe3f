#!/usr/bin/env bash
# The end-to-end scenarios (e2e/tests/e2e) on three nodes already running, one test at a time (they
# share the chains and their accounts): every scenario but the three that need a devnet the test
# process serves (the reorganisation, the simulation tests, which pause chain A's mining, and the
# node-restart test, which stops the relay chain's node). The sealed-relay scenario (e2e::sealed:
# MAP light nodes verifying the relay validators' seals) runs after them with the relay node
# MOS_E2E_SEALED_RELAY_URL names, one that serves Atlas's istanbul_* methods (`mos devnet
# --validators 4 --epoch-size 8`), and is skipped when none is given.
#
#   scripts/e2e-external.sh            the nodes the environment names: MOS_E2E_RELAY_URL,
#                                      MOS_E2E_CHAIN_A_URL, MOS_E2E_CHAIN_B_URL, and a funded key,
#                                      MOS_E2E_FUNDED_KEY (or one per chain: MOS_E2E_RELAY_KEY, ...)
#   scripts/e2e-external.sh --devnets  three `mos devnet` processes started here, funding only
#                                      Nitro's dev account as `nitro --dev` does, and a fourth, the
#                                      sealed relay (what `make test` runs)
#
# `make e2e-external` runs the first; docs/e2e.md says how to start three Nitro devnodes for it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ "${1:-}" = "--devnets" ]; then
    cargo build -q --locked -p mos-cli
    # shellcheck source=scripts/devnet.sh
    . "$ROOT/scripts/devnet.sh"
    trap stop_devnet EXIT
    start_devnet relay --chain-id 22776 --dev-accounts nitro
    export MOS_E2E_RELAY_URL="$RPC"
    start_devnet chain-a --chain-id 412346 --dev-accounts nitro
    export MOS_E2E_CHAIN_A_URL="$RPC"
    start_devnet chain-b --chain-id 412347 --dev-accounts nitro
    export MOS_E2E_CHAIN_B_URL="$RPC"
    start_devnet sealed-relay --chain-id 22776 --dev-accounts nitro --validators 4 --epoch-size 8
    export MOS_E2E_SEALED_RELAY_URL="$RPC"
    # The key the devnet says it funded, as a Nitro devnode user copies it from its documentation.
    MOS_E2E_FUNDED_KEY="$(sed -n "s/^Dev account (Nitro's, key \(0x[0-9a-f]*\)).*/\1/p" "$DEVNET_LOG")"
    [ -n "$MOS_E2E_FUNDED_KEY" ] || { cat "$DEVNET_LOG" >&2; echo "e2e-external: the devnet printed no funded key" >&2; exit 1; }
    export MOS_E2E_FUNDED_KEY
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--devnets]" >&2
    exit 2
fi

missing=()
for name in MOS_E2E_RELAY_URL MOS_E2E_CHAIN_A_URL MOS_E2E_CHAIN_B_URL; do
    [ -n "${!name:-}" ] || missing+=("$name")
done
# Checked here as well as by the harness: with no URL at all the harness would run on its own
# devnets instead. The keys (and their format) the harness checks, naming the variable.
if [ ${#missing[@]} -gt 0 ]; then
    echo "e2e-external: ${missing[*]} not set: give the JSON-RPC URLs of the relay chain, chain A and chain B (docs/e2e.md)" >&2
    exit 1
fi
echo "e2e-external: relay $MOS_E2E_RELAY_URL, chain A $MOS_E2E_CHAIN_A_URL, chain B $MOS_E2E_CHAIN_B_URL"
cargo test --locked -p mos-e2e --test e2e -- --test-threads=1 --skip e2e::reorg --skip e2e::simulation \
    --skip e2e::proxy::a_node_stopped_and_started_again --skip e2e::sealed
if [ -n "${MOS_E2E_SEALED_RELAY_URL:-}" ]; then
    echo "e2e-external: the sealed-relay scenario on relay $MOS_E2E_SEALED_RELAY_URL"
    MOS_E2E_RELAY_URL="$MOS_E2E_SEALED_RELAY_URL" cargo test --locked -p mos-e2e --test e2e -- --test-threads=1 e2e::sealed
else
    echo "e2e-external: MOS_E2E_SEALED_RELAY_URL not set: the sealed-relay scenario (e2e::sealed) is skipped"
fi
