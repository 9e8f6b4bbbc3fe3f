#!/usr/bin/env bash
# Compiles MAP's own Solidity light node of the MAP relay chain (peers/map-light-node, a measured
# peer) as MAP's hardhat configuration does: solc 0.8.20 (npm's solcjs), optimizer on, 200 runs,
# with the npm packages MAP's lock file pins (@mapprotocol/protocol 0.8.5: npm no longer has 0.8.3). Installs them once into target/tools/map-peer (a no-op
# when they are there) and writes target/map-peer/<Contract>.bin (creation bytecode, hex) for
# LightNode, LightNodeProxy and VerifyTool. Fails, never skips, without node/npm or on an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$ROOT/target/tools/map-peer"
PACKAGES=(solc@0.8.20 @openzeppelin/contracts@4.9.5 @mapprotocol/protocol@0.8.5)

fail() { echo "map-peer: $*" >&2; exit 1; }

command -v node >/dev/null || fail "node is needed to run solc (solcjs); install Node.js 18 or newer"
installed() { node -p "require('$PREFIX/node_modules/$1/package.json').version" 2>/dev/null || true; }
missing=()
for package in "${PACKAGES[@]}"; do
    name="${package%@*}"
    [ "$(installed "$name")" = "${package##*@}" ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    command -v npm >/dev/null || fail "npm is needed to install ${missing[*]} into $PREFIX"
    mkdir -p "$PREFIX"
    echo "map-peer: installing ${missing[*]} from npm into ${PREFIX#"$ROOT"/}" >&2
    npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund --loglevel=error "${PACKAGES[@]}" >&2 ||
        fail "npm could not install ${PACKAGES[*]} into $PREFIX"
fi

exec node "$ROOT/scripts/map-peer.js" "$PREFIX/node_modules" "$ROOT/peers/map-light-node/contracts" "$ROOT/target/map-peer"
