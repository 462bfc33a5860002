#!/usr/bin/env bash
# Durable-write latency with and without a flood of refused requests (made-up tokens), and how many audit rows the
# flood leaves: bench/http/flood.sh ROUNDS DLL_A DLL_B ...  (each DLL a built strata.dll; Release builds).
# Per run: a fresh `strata serve` with a per-token limit far above the load (the writer is never limited) and the
# default limit for requests without a valid token, 5 s of warm-up writes, then 10 s of PUTs at 4 connections alone
# ("quiet"), then 10 s of PUTs at 4 connections while wrk sends made-up tokens at 8 connections ("flood").
# SERVE_ARGS replaces the limit options (e.g. "--Strata:RateLimit:PermitsPerSecond=0": no limit at all, so every
# refused request reaches the audit path). Needs wrk, curl and python3.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
HARNESS="${BENCH_HARNESS:-$REPO/../shared/bench}"
PORT="${STRATA_BENCH_PORT:-5398}"
ROUNDS="$1"; shift

one_run() {
  local dll="$1" token="flood-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" data pid
  data="$(mktemp -d /var/tmp/strata-flood.XXXXXX)"
  STRATA_ADMIN_TOKEN="$token" dotnet "$dll" serve --urls "http://127.0.0.1:$PORT" --data "$data/d" \
    ${SERVE_ARGS:---Strata:RateLimit:PermitsPerSecond=1000000 --Strata:RateLimit:Burst=1000000} > "$data/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.1; done
  export BENCH_URL="http://127.0.0.1:$PORT" BENCH_HEADERS="Content-Type: application/json|Authorization: Bearer $token"
  export BENCH_WRITE_METHOD=PUT BENCH_WRITE_PATH='/api/v1/settings/bench/{{KEY}}' BENCH_WRITE_BODY='{"value":{{VALUE}}}'
  BENCH_RUN_ID="w$RANDOM" wrk -t1 -c4 -d5s -s "$HARNESS/wrk/write.lua" "$BENCH_URL" > /dev/null
  BENCH_RUN_ID="q$RANDOM" wrk -t1 -c4 -d10s --latency -s "$HARNESS/wrk/write.lua" "$BENCH_URL" > "$data/quiet"
  wrk -t1 -c8 -d12s -s "$HERE/flood.lua" "$BENCH_URL" > "$data/flood" &
  local flood=$!
  sleep 1
  BENCH_RUN_ID="f$RANDOM" wrk -t1 -c4 -d10s --latency -s "$HARNESS/wrk/write.lua" "$BENCH_URL" > "$data/loaded"
  wait "$flood"
  kill -TERM "$pid"; wait "$pid" || true
  local rows
  rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from audit where action='access.denied'\").fetchone()[0])" "$data/d/strata.db")
  printf 'quiet PUT %s req/s p50 %s p99 %s | flood PUT %s req/s p50 %s p99 %s | flood %s req/s | access.denied rows %s | db %s\n' \
    "$(awk '/Requests\/sec/{print $2}' "$data/quiet")" "$(awk '/ 50%/{print $2}' "$data/quiet")" "$(awk '/ 99%/{print $2}' "$data/quiet")" \
    "$(awk '/Requests\/sec/{print $2}' "$data/loaded")" "$(awk '/ 50%/{print $2}' "$data/loaded")" "$(awk '/ 99%/{print $2}' "$data/loaded")" \
    "$(awk '/Requests\/sec/{print $2}' "$data/flood")" "$rows" "$(du -sh "$data/d" | cut -f1)"
  rm -rf "$data"
}

for _ in $(seq "$ROUNDS"); do
  for dll in "$@"; do echo "[$dll] $(one_run "$dll")"; done
done
