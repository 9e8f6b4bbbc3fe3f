# Sourced by the scripts that drive a devnet (cast-check.sh, cargo-stylus.sh): `start_devnet NAME`
# starts `target/debug/mos devnet` on a free port and sets RPC to its JSON-RPC URL, or exits
# naming NAME when it does not come up; `stop_devnet` stops it (also when none was started, so it
# can be the EXIT trap before `start_devnet`). Needs ROOT and a built `mos`.

start_devnet() {
    DEVNET_LOG="$(mktemp)"
    "$ROOT/target/debug/mos" devnet --port 0 >"$DEVNET_LOG" 2>&1 &
    DEVNET_PID=$!
    for _ in $(seq 100); do
        grep -q '^JSON-RPC: ' "$DEVNET_LOG" && break
        sleep 0.1
    done
    RPC="$(sed -n 's/^JSON-RPC: //p' "$DEVNET_LOG")"
    [ -n "$RPC" ] || { cat "$DEVNET_LOG" >&2; echo "$1: the devnet did not start" >&2; exit 1; }
}

stop_devnet() {
    [ -z "${DEVNET_PID:-}" ] || kill "$DEVNET_PID" 2>/dev/null || true
    rm -f "${DEVNET_LOG:-}"
}
