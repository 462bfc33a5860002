#!/usr/bin/env bash
# HTTP load: Strata and etcd 3.4 in one session, through the shared wrk harness.
#   bench/http/run.sh                    # strata then etcd, default matrix (~8 min)
#   BENCH_PEERS=0 bench/http/run.sh      # strata only
#   STRATA_BENCH_AUTH=1 ...              # reserved for token authentication (see docs/benchmarks.md)
# Needs: apt-get install -y wrk etcd-server etcd-client curl jq. Results: bench/http/results/<time>/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
HARNESS="${BENCH_HARNESS:-$REPO/../shared/bench}"
PORT="${STRATA_BENCH_PORT:-5399}"
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="$HERE/results/$STAMP"
mkdir -p "$RESULTS"

dotnet build "$REPO/src/Strata.Cli/Strata.Cli.csproj" -c Release -nologo -v q > "$RESULTS/build.log" 2>&1 \
  || { cat "$RESULTS/build.log" >&2; exit 1; }

# Data on the real disk (not tmpfs) so the durable PUT numbers include a real fsync.
DATA="$(mktemp -d "${BENCH_DATA_PARENT:-/var/tmp}/strata-bench.XXXXXX")"
dotnet "$REPO/src/Strata.Cli/bin/Release/net10.0/strata.dll" serve --urls "http://127.0.0.1:$PORT" --data "$DATA" \
  > "$RESULTS/server.log" 2>&1 &
PID=$!
stop() {
  kill -TERM "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap stop EXIT

export STRATA_BENCH_PORT="$PORT"
BENCH_SERVER_PID="$PID" BENCH_OUT="$RESULTS/strata" "$HARNESS/run-target.sh" "$HERE/strata.env"
stop
trap - EXIT

if [[ "${BENCH_PEERS:-1}" == 1 ]]; then
  BENCH_OUT="$RESULTS/etcd" BENCH_WORKLOADS="${ETCD_WORKLOADS:-read write mixed}" "$HARNESS/run-etcd.sh"
fi
echo "results: $RESULTS"
