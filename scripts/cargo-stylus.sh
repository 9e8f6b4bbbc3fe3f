#!/usr/bin/env bash
# The cargo-stylus workflow on every deployed program crate (and the Echo example), against a
# `mos devnet`, as a Stylus developer runs it: `cargo stylus check`, `cargo stylus deploy` (each
# deployed program's code is then compared with what `make wasm` builds, by stylus-code-diff; a
# program with a constructor is deployed through the devnet's StylusDeployer and its owner read
# back), and `cargo stylus export-abi`. `make cargo-stylus` runs it; `make test` does not (cargo-stylus takes
# about 15 minutes to install, and this run about 14 more on 2 cores). Package names as arguments
# limit it to those programs. Exits non-zero on the first failure.
#
# cargo-stylus builds with plain `cargo build --release --target wasm32-unknown-unknown`; the
# environment `stylus-build --print-env` prints makes that build the bytes `make wasm` builds
# (docs/sizes.md, "cargo-stylus"). Without it, cargo-stylus builds the prebuilt-std variant, which
# is larger (mos-relay's would not fit Nitro's limit).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v cargo-stylus >/dev/null || {
    echo "cargo-stylus: not installed; run: cargo install cargo-stylus --locked (about 15 minutes)" >&2
    exit 1
}
for tool in jq curl; do
    command -v "$tool" >/dev/null || { echo "cargo-stylus: $tool is needed" >&2; exit 1; }
done

# crate directory and package of each program; with package names as arguments, only those
PROGRAMS=()
for program in crates/mos-dest:mos-dest crates/mos-relay:mos-relay crates/fee-service:fee-service \
    crates/light-client/node:mos-light-node crates/light-client/manager:mos-light-client-manager \
    examples/echo:mos-echo; do
    if [ $# -eq 0 ] || [[ " $* " == *" ${program#*:} "* ]]; then PROGRAMS+=("$program"); fi
done
[ ${#PROGRAMS[@]} -gt 0 ] || { echo "cargo-stylus: no program among: $*" >&2; exit 1; }
packages=()
for program in "${PROGRAMS[@]}"; do packages+=("${program#*:}"); done

cargo build -q --locked -p mos-cli -p stylus-build
OURS="$ROOT/target/stylus/cargo-stylus/ours"
"$ROOT/target/debug/stylus-build" --locked --out-dir "$OURS" "${packages[@]}" >/dev/null

WORK="$(mktemp -d)"
# shellcheck source=scripts/devnet.sh
. "$ROOT/scripts/devnet.sh"
trap 'stop_devnet; rm -rf "$WORK"' EXIT
start_devnet cargo-stylus

# The first dev account of the test mnemonic, and the account the constructors name as owner.
KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
OWNER=0x70997970c51812dc3a010c7d01b50e0d17dc79c8
ARB_WASM=0x0000000000000000000000000000000000000071
BUILD_ENV="$("$ROOT/target/debug/stylus-build" --print-env)"

rpc() { # rpc <method> <params as JSON>: the result, or the error's message
    curl -s -X POST -H 'content-type: application/json' "$RPC" \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" | jq -r '.result // .error.message'
}
word() { # word <address>: the address as a 32-byte ABI word, without 0x
    printf '%064s' "${1#0x}" | tr ' ' 0
}

# The owner getter of each program with a constructor (owner(), admin()); the light node has none,
# its constructor's effect is tested in crates/mos-tests/tests/mos/constructor.rs.
declare -A OWNER_GETTER=([fee-service]=0x8da5cb5b [mos-light-client-manager]=0xf851a440 [mos-light-node]=)

for program in "${PROGRAMS[@]}"; do
    dir="${program%%:*}" package="${program#*:}"
    echo "== $package ($dir)"
    (cd "$dir" && eval "$BUILD_ENV" && cargo stylus check --endpoint "$RPC") >"$WORK/check.log" 2>&1 ||
        { cat "$WORK/check.log" >&2; echo "cargo-stylus: check failed for $package" >&2; exit 1; }
    grep -o 'contract size: .*' "$WORK/check.log" | sed 's/\x1b\[[0-9;]*m//g' | sed 's/^/ok  check: /'

    constructor="$(cd "$dir" && cargo stylus constructor 2>"$WORK/constructor.log")" ||
        { cat "$WORK/constructor.log" >&2; echo "cargo-stylus: cargo stylus constructor failed for $package" >&2; exit 1; }
    args=()
    [ -z "$constructor" ] || args=(--constructor-args "$OWNER")
    (cd "$dir" && eval "$BUILD_ENV" && cargo stylus deploy --endpoint "$RPC" --private-key "$KEY" --no-verify "${args[@]}") \
        >"$WORK/deploy.log" 2>&1 || { cat "$WORK/deploy.log" >&2; echo "cargo-stylus: deploy failed for $package" >&2; exit 1; }
    address="$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/deploy.log" | sed -n 's/.*deployed code at address: \(0x[0-9a-fA-F]*\).*/\1/p' | tail -1)"
    [ -n "$address" ] || { cat "$WORK/deploy.log" >&2; echo "cargo-stylus: no address for $package" >&2; exit 1; }
    version="$(rpc eth_call "[{\"to\":\"$ARB_WASM\",\"data\":\"0xcc8f4e88$(word "$address")\"},\"latest\"]")"
    [[ "$version" =~ ^0x0*[1-9a-f][0-9a-f]*$ ]] || { echo "cargo-stylus: $package is not activated: $version" >&2; exit 1; }
    rpc eth_getCode "[\"$address\",\"latest\"]" >"$WORK/deployed.code.hex"
    verdict="$("$ROOT/target/debug/stylus-code-diff" "$OURS/$package.code.hex" "$WORK/deployed.code.hex")" ||
        { echo "cargo-stylus: $package: $verdict" >&2; exit 1; }
    echo "ok  deploy: $address, activated; against make wasm's bytes: $verdict"
    if [ -n "$constructor" ]; then
        getter="${OWNER_GETTER[$package]-missing}"
        [ "$getter" != missing ] || { echo "cargo-stylus: $package declares $constructor, and no owner getter is known" >&2; exit 1; }
        if [ -n "$getter" ]; then
            owner="$(rpc eth_call "[{\"to\":\"$address\",\"data\":\"$getter\"},\"latest\"]")"
            [ "$owner" = "0x$(word "$OWNER")" ] || { echo "cargo-stylus: $package's owner is $owner, not $OWNER" >&2; exit 1; }
        fi
        echo "ok  constructor: $constructor, run by the StylusDeployer with $OWNER"
    fi

    (cd "$dir" && cargo stylus export-abi) >"$WORK/abi.sol" 2>"$WORK/abi.log" ||
        { cat "$WORK/abi.log" >&2; echo "cargo-stylus: export-abi failed for $package" >&2; exit 1; }
    grep -q '^interface ' "$WORK/abi.sol" || { cat "$WORK/abi.sol" >&2; echo "cargo-stylus: no interface from $package" >&2; exit 1; }
    echo "ok  export-abi: $(grep -c '^interface ' "$WORK/abi.sol") interface(s): $(sed -n 's/^interface \([A-Za-z0-9_]*\).*/\1/p' "$WORK/abi.sol" | paste -sd, -)"
done
echo "cargo-stylus: check, deploy and export-abi passed on ${#PROGRAMS[@]} program crates"
