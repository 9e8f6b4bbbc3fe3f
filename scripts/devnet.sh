# Sourced by the scripts that drive devnets (cast-check.sh, cargo-stylus.sh, e2e-external.sh):
# `start_devnet NAME [ARGS...]` starts `target/debug/mos devnet --port 0 ARGS...` on a free port and
# sets RPC to its JSON-RPC URL and DEVNET_LOG to what it printed, or exits naming NAME when it does
# not come up; `stop_devnet` stops every devnet started (also when none was, so it can be the EXIT
# trap before `start_devnet`). Needs ROOT and a built `mos`.

DEVNET_PIDS=()
DEVNET_LOGS=()

start_devnet() {
    local name="$1" log pid
    shift
    log="$(mktemp)"
    "$ROOT/target/debug/mos" devnet --port 0 "$@" >"$log" 2>&1 &
    pid=$!
    DEVNET_PIDS+=("$pid")
    DEVNET_LOGS+=("$log")
    for _ in $(seq 100); do
        grep -q '^JSON-RPC: ' "$log" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    RPC="$(sed -n 's/^JSON-RPC: //p' "$log")"
    DEVNET_LOG="$log"
    [ -n "$RPC" ] || { cat "$log" >&2; echo "$name: the devnet did not start" >&2; exit 1; }
}

stop_devnet() {
    local pid
    for pid in "${DEVNET_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    rm -f "${DEVNET_LOGS[@]}"
}
