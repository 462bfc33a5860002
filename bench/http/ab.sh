#!/usr/bin/env bash
# A/B comparison of builds or settings under one wrk load, alternating so that drift of the machine hits both.
#   bench/http/ab.sh ROUNDS "ENV A" "ENV B" ...
#   bench/http/ab.sh 3 "STRATA_DLL=/tmp/before/strata.dll" "STRATA_DLL=src/Strata.Cli/bin/Release/net10.0/strata.dll"
#   WL=read bench/http/ab.sh 3 "X=baseline" "DOTNET_GCgen0size=0x2000000"
# Each run: a fresh `strata serve` (token auth, rate limit off, data on disk in /var/tmp), WARM (12s) of the same
# load at 64 connections so the JIT has finished, then `wrk -c C -d D` (64, 10s) of workload WL (write; or read,
# mixed). Prints req/s, p99, server CPU ticks and context switches per run, then each configuration's median.
# STRATA_DLL defaults to the Release build in this repository (build it first). Needs wrk and curl.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
HARNESS="${BENCH_HARNESS:-$REPO/../shared/bench}"
PORT="${STRATA_BENCH_PORT:-5399}"
ROUNDS="$1"; shift

one_run() {
  local dll="${STRATA_DLL:-$REPO/src/Strata.Cli/bin/Release/net10.0/strata.dll}" token="ab-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  local data pid s0 s1 c0 c1
  data="$(mktemp -d /var/tmp/strata-ab.XXXXXX)"
  STRATA_ADMIN_TOKEN="$token" dotnet "$dll" serve --urls "http://127.0.0.1:$PORT" --data "$data" \
    --Strata:RateLimit:PermitsPerSecond=0 > "$data.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null || { cat "$data.log" >&2; kill "$pid" 2> /dev/null; rm -rf "$data" "$data.log"; return 1; }
  export BENCH_URL="http://127.0.0.1:$PORT" BENCH_HEADERS="Content-Type: application/json|Authorization: Bearer $token"
  export BENCH_READ_PATH='/api/v1/settings/bench/{{KEY}}' BENCH_WRITE_METHOD=PUT
  export BENCH_WRITE_PATH='/api/v1/settings/bench/{{KEY}}' BENCH_WRITE_BODY='{"value":{{VALUE}}}'
  curl -sf -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"value":"x"}' \
    "$BENCH_URL/api/v1/settings/bench/bench.settings.read.key.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" > /dev/null
  BENCH_RUN_ID="w$RANDOM" wrk -t2 -c64 -d"${WARM:-12s}" -s "$HARNESS/wrk/${WL:-write}.lua" "$BENCH_URL" > /dev/null
  s0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); c0=$(cat /proc/"$pid"/task/*/status | awk '/ctxt_switches/{s += $2} END {print s}')
  BENCH_RUN_ID="m$RANDOM" wrk -t2 -c"${C:-64}" -d"${D:-10s}" --latency -s "$HARNESS/wrk/${WL:-write}.lua" "$BENCH_URL" > "$data.wrk"
  s1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); c1=$(cat /proc/"$pid"/task/*/status | awk '/ctxt_switches/{s += $2} END {print s}')
  kill -TERM "$pid"; wait "$pid" || true
  echo "rps=$(awk '/Requests\/sec/{print $2}' "$data.wrk") p99=$(awk '/ 99%/{print $2}' "$data.wrk") cpu_ticks=$((s1 - s0)) ctxsw=$((c1 - c0))"
  rm -rf "$data" "$data.log" "$data.wrk"
}

declare -A rates
for _ in $(seq "$ROUNDS"); do
  for cfg in "$@"; do
    # shellcheck disable=SC2086 # each configuration is a list of NAME=value words
    line="$(export $cfg; one_run)"
    echo "[$cfg] $line"
    rates[$cfg]+="$(sed -n 's/^rps=\([0-9.]*\).*/\1/p' <<< "$line") "
  done
done
for cfg in "$@"; do
  echo "median [$cfg]: $(tr ' ' '\n' <<< "${rates[$cfg]}" | sed '/^$/d' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
done
