#!/usr/bin/env bash
# HTTP load: Strata and etcd 3.4 in one session, through the shared wrk harness.
#   bench/http/run.sh                              # strata (token auth) then etcd, default matrix (~8 min)
#   STRATA_BENCH_AUTH="on off" BENCH_WORKLOADS=read BENCH_CONNS=64 BENCH_PEERS=0 bench/http/run.sh
#                                                  # GET with token authentication on, then off (anonymous allowed)
# Needs: apt-get install -y wrk etcd-server etcd-client curl jq. Results: bench/http/results/<time>/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
HARNESS="${BENCH_HARNESS:-$REPO/../shared/bench}"
PORT="${STRATA_BENCH_PORT:-5399}"
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="$HERE/results/$STAMP"
TOKEN="bench-admin-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$RESULTS"

dotnet build "$REPO/src/Strata.Cli/Strata.Cli.csproj" -c Release -nologo -v q > "$RESULTS/build.log" 2>&1 \
  || { cat "$RESULTS/build.log" >&2; exit 1; }

PID=""
DATA=""
stop() {
  [[ -n "$PID" ]] && { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  [[ -n "$DATA" ]] && rm -rf "$DATA"
  PID=""; DATA=""
}
trap stop EXIT

export STRATA_BENCH_PORT="$PORT"
for auth in ${STRATA_BENCH_AUTH:-on}; do
  # Data on the real disk (not tmpfs) so the durable PUT numbers include a real fsync.
  DATA="$(mktemp -d "${BENCH_DATA_PARENT:-/var/tmp}/strata-bench.XXXXXX")"
  if [[ "$auth" == on ]]; then
    extra=(--Strata:RateLimit:PermitsPerSecond=0); headers="Content-Type: application/json|Authorization: Bearer $TOKEN"
  else
    extra=(--Strata:RateLimit:PermitsPerSecond=0 --Strata:AnonymousGrants:0=admin:*); headers="Content-Type: application/json"
  fi
  STRATA_ADMIN_TOKEN="$TOKEN" dotnet "$REPO/src/Strata.Cli/bin/Release/net10.0/strata.dll" serve \
    --urls "http://127.0.0.1:$PORT" --data "$DATA" "${extra[@]}" > "$RESULTS/server-auth-$auth.log" 2>&1 &
  PID=$!
  BENCH_NAME="strata-auth-$auth" BENCH_HEADERS="$headers" BENCH_SERVER_PID="$PID" BENCH_OUT="$RESULTS/strata-auth-$auth" \
    "$HARNESS/run-target.sh" "$HERE/strata.env"
  stop
done

if [[ "${BENCH_PEERS:-1}" == 1 ]]; then
  BENCH_OUT="$RESULTS/etcd" BENCH_WORKLOADS="${ETCD_WORKLOADS:-read write mixed}" "$HARNESS/run-etcd.sh"
fi
echo "results: $RESULTS"
