#!/usr/bin/env bash
# Single-row KServe v2 infer (breast-cancer, 30 FP32 features) against the grid and a bare Kestrel endpoint, measured
# from outside with wrk: each server pinned to core 0, wrk (one thread, 64 connections) on core 1, the two systems
# interleaved, ROUNDS rounds. Prints req/s per run and the grid / Kestrel ratio of each round. Loopback only.
# With OTHER, a checkout of another commit (its bench/LoadTool built), that commit's grid runs in the same rounds too:
# before and after a change, side by side.
# Usage: bench/wrk/compare.sh [ROUNDS] [SECONDS] [OTHER]   (after `dotnet build bench/LoadTool -c Release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
seconds=${2:-10}
other=${3:-}
tool=bench/LoadTool/bin/Release/net10.0/OrleansInference.LoadTool
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
[ -x "$tool" ] || { echo "build first: dotnet build bench/LoadTool -c Release" >&2; exit 1; }

work=$(mktemp -d /tmp/oi-wrk-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

body='{"inputs":[{"name":"features","shape":[1,30],"datatype":"FP32","data":[17.99,10.38,122.8,1001,0.1184,0.2776,0.3001,0.1471,0.2419,0.07871,1.095,0.9053,8.589,153.4,0.006399,0.04904,0.05373,0.01587,0.03003,0.006193,25.38,17.33,184.6,2019,0.1622,0.6656,0.7119,0.2654,0.4601,0.1189]}]}'
printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$body" > "$work/post.lua"

# Starts a server and sets $url. Its stdin is a FIFO this shell keeps open: the server stops when it closes.
start() {
  local name=$1 tool=$tool; shift
  if [ "$1" = "--tool" ]; then tool=$2; shift 2; fi
  mkfifo "$work/$name.in"
  DOTNET_TC_DelaySingleProcMultiplier=1 taskset -c 0 "$tool" "$@" < "$work/$name.in" > "$work/$name.log" 2>&1 &
  pids+=($!)
  exec {fd}>"$work/$name.in"
  url=
  for _ in $(seq 1 600); do
    url=$(grep -m1 -o 'LISTENING .*' "$work/$name.log" 2>/dev/null | cut -d' ' -f2 || true)
    [ -n "$url" ] && return
    sleep 0.2
  done
  echo "$name did not start; its log:" >&2; cat "$work/$name.log" >&2; exit 1
}

start grid serve-grid "--contentRoot=$PWD/src/Api" "--Registry:SqlitePath=$work/registry.db" "--BatchJobs:StateRoot=$work/state"
grid=$url
if [ -n "$other" ]; then
  other=$(cd "$other" && pwd)
  start other --tool "$other/bench/LoadTool/bin/Release/net10.0/OrleansInference.LoadTool" serve-grid "--contentRoot=$other/src/Api" \
    "--Registry:SqlitePath=$work/other.db" "--BatchJobs:StateRoot=$work/other-state" --Orleans:SiloPort=0 --Orleans:GatewayPort=0
  other_grid=$url
fi
mkdir -p "$work/responses"
curl -s -X POST "$grid/v2/models/breast-cancer/infer" -H 'content-type: application/json' -d "$body" > "$work/responses/v2-json"
grep -q '"outputs"' "$work/responses/v2-json" || { echo "the grid did not answer the request:" >&2; cat "$work/responses/v2-json" >&2; exit 1; }
printf "application/json\n\n" > "$work/responses/v2-json.meta"
start baseline serve-baseline --responses "$work/responses"
baseline=$url

run() { taskset -c 1 wrk -t1 -c64 -d"$1"s -s "$work/post.lua" "$2/v2/models/breast-cancer/infer" | awk '/Requests\/sec/ {print $2}'; }
echo "warming up (tiered JIT) ..."
run 15 "$grid" >/dev/null; run 10 "$baseline" >/dev/null
[ -z "$other" ] || run 15 "$other_grid" >/dev/null
echo "round grid_req_s kestrel_req_s ratio${other:+ other_grid_req_s other_ratio}"
for r in $(seq 1 "$rounds"); do
  g=$(run "$seconds" "$grid"); k=$(run "$seconds" "$baseline"); o=0
  [ -z "$other" ] || o=$(run "$seconds" "$other_grid")
  awk -v r="$r" -v g="$g" -v k="$k" -v o="$o" 'BEGIN { printf "%d %.0f %.0f %.1f%%", r, g, k, 100 * g / k; if (o > 0) printf " %.0f %.1f%%", o, 100 * o / k; printf "\n" }'
done
