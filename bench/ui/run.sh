#!/usr/bin/env bash
# Web UI (issue 10): time to first render of a namespace page with 1,000 settings in Debian's headless Chromium,
# and the start page, against a fresh `strata serve` (Release) on a free loopback port.
#   bench/ui/run.sh                       # ~1 minute
# Env: UI_SETTINGS (1000), UI_RUNS (30), UI_PATHS ("/ns/bench /").
# Needs: apt-get install -y chromium curl. Results: bench/ui/results/<time>/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SETTINGS="${UI_SETTINGS:-1000}"
RUNS="${UI_RUNS:-30}"
PATHS="${UI_PATHS:-/ns/bench /}"
RESULTS="$HERE/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
[[ -x /usr/bin/chromium ]] || { log "chromium not installed (apt-get install -y chromium)"; exit 1; }

log "building Release"
for project in src/Strata.Cli/Strata.Cli.csproj bench/Strata.UiBench/Strata.UiBench.csproj; do
  dotnet build "$REPO/$project" -c Release -nologo -v q >> "$RESULTS/build.log" 2>&1 || { cat "$RESULTS/build.log" >&2; exit 1; }
done

# One namespace of $SETTINGS definitions in 20 groups, a mix of every type, a quarter advanced, every tenth with an override.
DATA="$(mktemp -d "${BENCH_DATA_PARENT:-/var/tmp}/strata-ui.XXXXXX")"
DEFS="$DATA/definitions.yaml"
types=(int float bool enum string duration json)
{
  echo "namespaces:"
  echo "  bench:"
  echo "    description: Page-render benchmark"
  echo "    settings:"
  for ((i = 0; i < SETTINGS; i++)); do
    t="${types[i % ${#types[@]}]}"
    printf '      setting_%04d:\n        type: %s\n        group: Group %02d\n        description: Setting number %d, a %s with a sentence of help text\n' \
      "$i" "$t" "$((i % 20))" "$i" "$t"
    (( i % 4 == 3 )) && echo "        level: advanced"
    case "$t" in
      int) echo "        default: $i"; echo "        min: 0"; echo "        max: 100000" ;;
      float) echo "        default: $i.5" ;;
      bool) echo "        default: true" ;;
      enum) echo "        allowed: [small, medium, large]"; echo "        default: medium" ;;
      string) echo "        default: value-$i"; echo "        max_length: 200" ;;
      duration) echo "        default: 30s" ;;
      json) echo "        default: {limit: $i, tags: [a, b]}" ;;
    esac
  done
} > "$DEFS"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
dotnet "$REPO/src/Strata.Cli/bin/Release/net10.0/strata.dll" serve --urls "http://127.0.0.1:$PORT" --data "$DATA" \
  --definitions "$DEFS" --Strata:RateLimit:PermitsPerSecond=0 > "$RESULTS/server.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.5; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz" || { tail -20 "$RESULTS/server.log" >&2; exit 1; }
TOKEN="$(cat "$DATA/admin.token")"
for ((i = 0; i < SETTINGS; i += 10)); do printf '{"namespace":"bench","key":"setting_%04d","value":%s}\n' "$i" \
  "$(case "${types[i % ${#types[@]}]}" in int) echo 7;; float) echo 7.5;; bool) echo false;; enum) echo '"large"';; string) echo '"changed"';; duration) echo '"5m"';; json) echo '{"limit":7}';; esac)"; done \
  | paste -sd, | sed 's/^/{"comment":"bench overrides","changes":[/; s/$/]}/' \
  | curl -sf -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @- \
      "http://127.0.0.1:$PORT/api/v1/settings" > /dev/null

log "$SETTINGS settings; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for path in $PATHS; do
  dotnet "$REPO/bench/Strata.UiBench/bin/Release/net10.0/Strata.UiBench.dll" --url "http://127.0.0.1:$PORT" \
    --token-file "$DATA/admin.token" --path "$path" --runs "$RUNS" | tee -a "$RESULTS/results.txt"
done
log "results: $RESULTS"
