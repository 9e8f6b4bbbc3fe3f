#!/usr/bin/env bash
# Compiles the Solidity of the workspace with solc from npm: every abi/*.sol (the interfaces dApp
# developers compile against), examples/solidity-echo/*.sol (the Solidity Echo dApp),
# crates/devnet/tests/solidity/*.sol (the devnet's cross-VM test contracts) and
# crates/devnet/contracts/*.sol (what the devnet places at genesis: the StylusDeployer).
#
#   scripts/solc.sh          compile and write each project's out/ (`make sol`)
#   scripts/solc.sh --check  compile fresh and fail when an out/ differs, or anything fails to compile
#                            (`make test`)
#
# solc is npm's `solc` (solcjs: the compiler built to JavaScript, the same on every machine) at a
# pinned version, installed once into target/tools/solc (a no-op when it is there); without npm,
# or when the install fails, this fails: it never skips. The compilation itself is
# scripts/solc.js (standard JSON, optimizer on, 200 runs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOLC_VERSION=0.8.30
PREFIX="$ROOT/target/tools/solc"

fail() { echo "solc: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is needed to run solc (solcjs); install Node.js 18 or newer"
installed() { node -p "require('$PREFIX/node_modules/solc/package.json').version" 2>/dev/null || true; }
if [ "$(installed)" != "$SOLC_VERSION" ]; then
    command -v npm >/dev/null || fail "npm is needed to install solc $SOLC_VERSION (npm package solc) into $PREFIX"
    mkdir -p "$PREFIX"
    echo "solc: installing solc $SOLC_VERSION from npm into ${PREFIX#"$ROOT"/}" >&2
    npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund --loglevel=error "solc@$SOLC_VERSION" >&2 ||
        fail "npm could not install solc $SOLC_VERSION into $PREFIX"
    [ "$(installed)" = "$SOLC_VERSION" ] || fail "npm installed solc $(installed), not $SOLC_VERSION"
fi

exec node "$ROOT/scripts/solc.js" "$PREFIX/node_modules/solc" "$ROOT" "$@"
