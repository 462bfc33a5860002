#!/usr/bin/env bash
# Write-to-watcher latency (issue 9): Strata's SSE watch at 1, 1,000 and 10,000 watchers and etcd 3.4's watch (v3
# JSON gateway) at 1 and 1,000, one fresh server per cell, Strata and etcd alternating, one load at a time.
#   bench/watch/run.sh                                   # the matrix below, ~2 minutes
#   WATCH_ROUNDS=2 bench/watch/run.sh                    # twice, the second time etcd first (~3.5 minutes)
#   WATCH_MATRIX="strata:1 etcd:1" WATCH_ROUNDS=2 bench/watch/run.sh
# Env: WATCH_MATRIX (target:watchers ...), WATCH_ROUNDS (1; even rounds run each strata/etcd pair the other way
# round), WATCH_WRITES_1 / _1000 / _10000 (measured writes per cell), WATCH_WARMUP_1 / _1000 / _10000 (writes before
# those, not counted), WATCH_PAUSE_MS.
# The warm-up is long at one watcher on purpose: .NET runs new code unoptimised and recompiles it in the background
# after some calls (tiered compilation), and the generator is .NET too; at 20 warm-up writes the recompilation fell
# inside the measured writes and its CPU, not the steady-state write path, made the one-watcher tail.
# Needs: apt-get install -y etcd-server etcd-client curl. Results: bench/watch/results/<time>/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
HARNESS="${BENCH_HARNESS:-$REPO/../shared/bench}"
# shellcheck source=/dev/null
source "$HARNESS/lib/common.sh"
MATRIX="${WATCH_MATRIX:-strata:1 etcd:1 strata:1000 etcd:1000 strata:10000}"
ROUNDS="${WATCH_ROUNDS:-1}"
PAUSE_MS="${WATCH_PAUSE_MS:-5}"
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="$HERE/results/$STAMP"
mkdir -p "$RESULTS"
command -v etcd >/dev/null || die "etcd not installed (apt-get install -y etcd-server etcd-client)"

# 10,000 watchers need 10,000 sockets in the generator and as many in the server (both inherit this limit).
ulimit -n "$(ulimit -Hn)"
(( $(ulimit -n) >= 10100 )) || log "warning: ulimit -n is $(ulimit -n); 10,000 watchers will fail"

log "building Release"
for project in src/Strata.Cli/Strata.Cli.csproj bench/Strata.WatchBench/Strata.WatchBench.csproj; do
  dotnet build "$REPO/$project" -c Release -nologo -v q >> "$RESULTS/build.log" 2>&1 || { cat "$RESULTS/build.log" >&2; exit 1; }
done
STRATA="$REPO/src/Strata.Cli/bin/Release/net10.0/strata.dll"
GENERATOR="$REPO/bench/Strata.WatchBench/bin/Release/net10.0/Strata.WatchBench.dll"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
writes_for() { case "$1" in 1) echo "${WATCH_WRITES_1:-1000}" ;; 1000) echo "${WATCH_WRITES_1000:-100}" ;; *) echo "${WATCH_WRITES_10000:-30}" ;; esac; }
warmup_for() { case "$1" in 1) echo "${WATCH_WARMUP_1:-1000}" ;; 1000) echo "${WATCH_WARMUP_1000:-200}" ;; *) echo "${WATCH_WARMUP_10000:-40}" ;; esac; }

PID=""
DATA=""
stop_strata() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && { log "strata did not stop in 15 s; killing pid $PID"; kill -KILL "$PID" 2>/dev/null || true; }
    wait "$PID" 2>/dev/null || true
  fi
  [[ -n "$DATA" ]] && rm -rf "$DATA"
  PID=""; DATA=""
}
trap stop_strata EXIT

# run_cell TARGET WATCHERS LABEL: one fresh server, one generator run; appends its RESULT line to results.txt.
run_cell() {
  local target="$1" watchers="$2" label="$3" writes warmup out rc=0
  writes="$(writes_for "$watchers")"; warmup="$(warmup_for "$watchers")"
  out="$RESULTS/$label.txt"
  local common=(--watchers "$watchers" --writes "$writes" --warmup "$warmup" --pause-ms "$PAUSE_MS")
  log "$label: $target, $watchers watchers, $writes writes (+$warmup warm-up); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ "$target" == strata ]]; then
    local port; port="$(free_port)"
    DATA="$(mktemp -d "${BENCH_DATA_PARENT:-/var/tmp}/strata-watch.XXXXXX")"
    dotnet "$STRATA" serve --urls "http://127.0.0.1:$port" --data "$DATA" --Strata:RateLimit:PermitsPerSecond=0 \
      > "$RESULTS/$label.server.log" 2>&1 &
    PID=$!
    wait_http "http://127.0.0.1:$port/readyz" 60 || { tail -20 "$RESULTS/$label.server.log" >&2; die "strata did not become ready"; }
    timeout 240 dotnet "$GENERATOR" --target strata --url "http://127.0.0.1:$port" --token-file "$DATA/admin.token" \
      --server-pid "$PID" "${common[@]}" > "$out" 2>&1 || rc=$?
    kill -0 "$PID" 2>/dev/null || log "$label: strata exited during the run (see $label.server.log)"
    stop_strata
  else
    local client peer metrics
    client="$(free_port)"; peer="$(free_port)"; metrics="$(free_port)"
    ETCD_CLIENT_PORT="$client" ETCD_PEER_PORT="$peer" ETCD_METRICS_PORT="$metrics" ETCD_DATA_PARENT="${BENCH_DATA_PARENT:-/var/tmp}" \
      ETCD_KEEP_LOG="$RESULTS/$label.server.log" "$HARNESS/peers/etcd.sh" -- \
      bash -c 'exec timeout 240 dotnet "$0" "$@" --server-pid "$ETCD_PID"' "$GENERATOR" \
      --target etcd --url "http://127.0.0.1:$client" "${common[@]}" > "$out" 2>&1 || rc=$?
  fi
  grep -h '^RESULT' "$out" | sed "s/^RESULT /RESULT cell=$label /" | tee -a "$RESULTS/results.txt" >&2 \
    || log "$label: no result (exit $rc): $(grep -v '^\[etcd.sh\]' "$out" | tail -3)"
  (( rc == 0 )) || log "$label: generator exited $rc (see $out)"
}

versions > "$RESULTS/versions.txt" 2>/dev/null || true
cell=0
for round in $(seq 1 "$ROUNDS"); do
  cells=($MATRIX)
  if (( round % 2 == 0 )); then
    # Swap each strata/etcd pair so neither always runs first.
    for ((i = 0; i + 1 < ${#cells[@]}; i += 2)); do t="${cells[i]}"; cells[i]="${cells[i+1]}"; cells[i+1]="$t"; done
  fi
  for c in "${cells[@]}"; do
    cell=$((cell + 1))
    run_cell "${c%%:*}" "${c##*:}" "$(printf '%02d' "$cell")-${c%%:*}-${c##*:}"
  done
done

{
  echo "| cell | server | watchers | measured writes | p50 ms | p99 ms | max ms | missed | write ack p50 / p99 ms | server peak RSS MB | server CPU % | generator CPU % |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  [[ -f "$RESULTS/results.txt" ]] && while read -r line; do
    f() { field "$1" "$line"; }
    echo "| $(f cell) | $(f target) | $(f watchers) | $(f writes) | $(f p50_ms) | $(f p99_ms) | $(f max_ms) | $(f missed) | $(f write_ack_p50_ms) / $(f write_ack_p99_ms) | $(f server_rss_peak_mb) | $(f server_cpu_pct) | $(f client_cpu_pct) |"
  done < "$RESULTS/results.txt"
  echo
  # p99 per watcher count and server, in run order, and etcd's over Strata's (medians of the runs): above 1 is Strata faster.
  [[ -f "$RESULTS/results.txt" ]] && awk '
    function get(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } }
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { w = get("watchers"); p[get("target"), w] = p[get("target"), w] " " get("p99_ms"); seen[w] = 1 }
    END { for (w in seen) {
      line = sprintf("%s watchers: p99 ms strata%s", w, p["strata", w])
      if (("etcd", w) in p) line = line sprintf("; etcd%s; etcd/strata %.2f", p["etcd", w], median(p["etcd", w]) / median(p["strata", w]))
      print line } }' "$RESULTS/results.txt" | sort -n
} | tee "$RESULTS/table.md"
echo "results: $RESULTS"
