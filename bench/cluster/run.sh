#!/usr/bin/env bash
# Several instances on one PostgreSQL (issue 11), with etcd 3.4 and Strata on SQLite in the same run:
#   1. GET and durable PUT at 64 connections: Strata on PostgreSQL, Strata on SQLite, etcd (the shared wrk harness);
#   2. propagation: a write on instance A, its event on a watcher of instance B (bench/Strata.WatchBench --write-url);
#   3. catch-up: instance B stopped while A commits CLUSTER_CATCHUP_REVISIONS revisions, then started again: the
#      time from its start until it serves A's revision, beside the time an instance with nothing to catch up takes.
#   bench/cluster/run.sh                    # ~6 minutes
# Env: CLUSTER_CONNS (64), CLUSTER_DURATION (10s), CLUSTER_PROPAGATION_WRITES (1000), CLUSTER_CATCHUP_REVISIONS
# (10000), BENCH_DATA_PARENT (/var/tmp: a real disk, so commits include a real fsync).
# Needs: apt-get install -y postgresql wrk etcd-server etcd-client curl jq. Results: bench/cluster/results/<time>/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
HARNESS="${BENCH_HARNESS:-$REPO/../shared/bench}"
# shellcheck source=/dev/null
source "$HARNESS/lib/common.sh"
CONNS="${CLUSTER_CONNS:-64}"
DURATION="${CLUSTER_DURATION:-10s}"
STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS="$HERE/results/$STAMP"
mkdir -p "$RESULTS"
PG_BIN="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -1)")"
[[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL not installed (apt-get install -y postgresql)"
command -v etcd >/dev/null || die "etcd not installed (apt-get install -y etcd-server etcd-client)"

log "building Release"
for project in src/Strata.Cli/Strata.Cli.csproj bench/Strata.WatchBench/Strata.WatchBench.csproj; do
  dotnet build "$REPO/$project" -c Release -nologo -v q >> "$RESULTS/build.log" 2>&1 || { cat "$RESULTS/build.log" >&2; exit 1; }
done
STRATA="$REPO/src/Strata.Cli/bin/Release/net10.0/strata.dll"
GENERATOR="$REPO/bench/Strata.WatchBench/bin/Release/net10.0/Strata.WatchBench.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

WORK="$(mktemp -d "${BENCH_DATA_PARENT:-/var/tmp}/strata-cluster.XXXXXX")"
TOKEN="bench-admin-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "$TOKEN" > "$WORK/admin.token"
# Every instance of a cluster signs with the same key (clients pin it).
SIGNING_KEY="$(head -c 32 /dev/urandom | base64)"
declare -A PIDS=()

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PG_PORT="$(free_port)"
PG_DATA="$WORK/pg"
mkdir -p "$PG_DATA" "$WORK/pg-socket"
if [[ $EUID -eq 0 ]]; then
  chmod 755 "$WORK"   # postgres must reach its folders inside
  chmod 600 "$WORK/admin.token"
  chown postgres "$PG_DATA" "$WORK/pg-socket"
fi
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U strata >> "$RESULTS/postgres.log" 2>&1
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w start \
  -o "-p $PG_PORT -k $WORK/pg-socket -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=300" \
  >> "$RESULTS/postgres.log" 2>&1
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U strata strata
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=strata;Database=strata"
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT, data on $(df --output=fstype "$WORK" | tail -1)"

cleanup() {
  for name in "${!PIDS[@]}"; do stop_instance "$name"; done
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_instance NAME PORT [store args...]: a strata serve, waited on until ready.
start_instance() {
  local name="$1" port="$2"; shift 2
  mkdir -p "$WORK/$name"
  STRATA_ADMIN_TOKEN="$TOKEN" STRATA_SIGNING_KEY="$SIGNING_KEY" dotnet "$STRATA" serve --urls "http://127.0.0.1:$port" \
    --data "$WORK/$name" --Strata:RateLimit:PermitsPerSecond=0 "$@" >> "$RESULTS/server-$name.log" 2>&1 &
  PIDS[$name]=$!
  wait_http "http://127.0.0.1:$port/readyz" 60 || die "instance $name did not become ready (see server-$name.log)"
}
stop_instance() {
  local pid="${PIDS[$1]:-}"
  [[ -n "$pid" ]] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  unset "PIDS[$1]"
}
revision_of() { curl -fsS "http://127.0.0.1:$1/readyz" | jq '[.. | .revision? | numbers] | max // 0'; }

harness() { # NAME PORT PID WORKLOADS
  BENCH_NAME="$1" BENCH_URL="http://127.0.0.1:$2" BENCH_HEADERS="Content-Type: application/json|Authorization: Bearer $TOKEN" \
    BENCH_SERVER_PID="$3" BENCH_WORKLOADS="$4" BENCH_CONNS="$CONNS" BENCH_DURATION="$DURATION" BENCH_OUT="$RESULTS/$1" \
    "$HARNESS/run-target.sh" "$REPO/bench/http/strata.env" > "$RESULTS/$1.log" 2>&1
  tail -n +2 "$RESULTS/$1/summary.tsv" >> "$RESULTS/summary.tsv"
}
printf 'target\tworkload\tconns\tthreads\trps\tp50_ms\tp99_ms\tmax_ms\terrors\trequests\tserver_cpu_pct\twrk_cpu_pct\n' > "$RESULTS/summary.tsv"

# 1. Throughput: one target at a time.
A_PORT="$(free_port)"; B_PORT="$(free_port)"; S_PORT="$(free_port)"
log "1/3 GET and PUT at $CONNS connections: PostgreSQL, SQLite, etcd"
start_instance a "$A_PORT" --postgres "$CONNECTION"
harness strata-postgres "$A_PORT" "${PIDS[a]}" "read write"
start_instance sqlite "$S_PORT"
harness strata-sqlite "$S_PORT" "${PIDS[sqlite]}" "read write"
stop_instance sqlite
BENCH_OUT="$RESULTS/etcd" BENCH_WORKLOADS="read write" BENCH_CONNS="$CONNS" BENCH_DURATION="$DURATION" "$HARNESS/run-etcd.sh" \
  > "$RESULTS/etcd.log" 2>&1
tail -n +2 "$RESULTS/etcd/summary.tsv" >> "$RESULTS/summary.tsv"

# 2. Propagation: writes on A, one watcher on B.
log "2/3 propagation A -> B"
start_instance b "$B_PORT" --postgres "$CONNECTION"
dotnet "$GENERATOR" --target strata --url "http://127.0.0.1:$B_PORT" --write-url "http://127.0.0.1:$A_PORT" \
  --watchers 1 --writes "${CLUSTER_PROPAGATION_WRITES:-1000}" --warmup 500 --token-file "$WORK/admin.token" \
  --server-pid "${PIDS[b]}" > "$RESULTS/propagation.txt" 2>&1
grep RESULT "$RESULTS/propagation.txt" || { cat "$RESULTS/propagation.txt" >&2; die "propagation run failed"; }

# 3. Catch-up: B down while A commits, then B again; beside it, a start with nothing to catch up.
log "3/3 catch-up"
stop_instance b
# time_to_ready NAME PORT: sets READY_S to the seconds from starting the instance until it serves A's revision.
# (Not in a command substitution: the instance's pid must stay in this shell's PIDS.)
time_to_ready() {
  local name="$1" port="$2" target started
  target="$(revision_of "$A_PORT")"
  started="$(date +%s.%N)"
  start_instance "$name" "$port" --postgres "$CONNECTION"
  until [[ "$(revision_of "$port")" -ge "$target" ]]; do sleep 0.05; done
  READY_S="$(echo "$(date +%s.%N) - $started" | bc)"
}
time_to_ready b "$B_PORT"; idle="$READY_S"
stop_instance b
before="$(revision_of "$A_PORT")"
want="${CLUSTER_CATCHUP_REVISIONS:-10000}"
# The harness's unique-key PUT through wrk, in 3-second rounds until enough revisions are in.
while (( $(revision_of "$A_PORT") - before < want )); do
  (
    source "$REPO/bench/http/strata.env"
    BENCH_DIR="$HARNESS" BENCH_URL="http://127.0.0.1:$A_PORT" BENCH_DURATION=3s
    BENCH_HEADERS="Content-Type: application/json|Authorization: Bearer $TOKEN"
    export BENCH_DIR BENCH_URL BENCH_HEADERS BENCH_WRITE_METHOD BENCH_WRITE_PATH BENCH_WRITE_BODY BENCH_DURATION
    run_wrk write 64 "$RESULTS/catchup-writes.txt" > /dev/null
  )
done
missed=$(( $(revision_of "$A_PORT") - before ))
time_to_ready b "$B_PORT"; behind="$READY_S"
printf 'catch-up: %d revisions behind -> ready at A'"'"'s revision after %.2f s; nothing behind -> %.2f s\n' "$missed" "$behind" "$idle" \
  | tee "$RESULTS/catchup.txt"

column -t -s $'\t' "$RESULTS/summary.tsv" | tee "$RESULTS/summary.txt"
echo "results: $RESULTS"
