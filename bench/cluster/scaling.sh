#!/usr/bin/env bash
# Throughput of the grid in cluster mode with 1, 2 and 3 standalone silos behind two API nodes (Api:Grid=Client), all
# on this host over one redis-server on 127.0.0.1: single-row predict (breast-cancer), closed loop, driven by wrk
# (CONNECTIONS connections split over both API nodes). The version is deployed with replicas = the silo count, so
# every silo serves a share. Each silo runs in its own CPU cgroup capped at SILO_CPU of a core (default 0.2), standing
# in for a host of fixed size: on a two-core machine the silos could not otherwise grow the capacity they share with
# the API nodes and the load generator. SILO_CPU=0 runs them uncapped. Prints one line per silo count with the share
# of requests each silo served (from the silos' own /metrics). Needs root for the cgroups, Debian's redis-server and
# wrk, and a build first:
#   dotnet build src/SiloHost -c Release && dotnet build src/Api -c Release
# Usage: [SILO_CPU=0.2] [SILOS="1 2 3"] bench/cluster/scaling.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
connections=${2:-32}
silo_cpu=${SILO_CPU:-0.2}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 1; }
work=$(mktemp -d /tmp/oi-scaling-XXXXXX)
pids=()
cgroups=()
# Stops the newest first (API nodes, silos, then Redis): a silo leaving gracefully still needs Redis.
stop_all() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done; pids=(); }
remove_cgroups() { for g in "${cgroups[@]}"; do rmdir "$g" 2>/dev/null || true; done; cgroups=(); }
trap 'stop_all; remove_cgroups; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 240); do curl -fsS "$1/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "not ready: $1" >&2; return 1; }
silo=src/SiloHost/bin/Release/net10.0/OrleansInference.SiloHost.dll
api=src/Api/bin/Release/net10.0/OrleansInference.Api.dll
cp -r models "$work/models"
printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' \
  '{"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4, "worst radius": 15.1, "worst area": 711.2}}' > "$work/post.lua"

# Puts process $1 in a new cgroup capped at $silo_cpu of a core (cgroup v2 or the v1 cpu controller).
cap_cpu() {
  local pid=$1 name=oi-scaling-$1 quota
  quota=$(python3 -c "print(int(float('$silo_cpu') * 100000))")
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    mkdir "/sys/fs/cgroup/$name"; echo "$quota 100000" > "/sys/fs/cgroup/$name/cpu.max"
    echo "$pid" > "/sys/fs/cgroup/$name/cgroup.procs"; cgroups+=("/sys/fs/cgroup/$name")
  else
    mkdir "/sys/fs/cgroup/cpu/$name"; echo 100000 > "/sys/fs/cgroup/cpu/$name/cpu.cfs_period_us"
    echo "$quota" > "/sys/fs/cgroup/cpu/$name/cpu.cfs_quota_us"
    echo "$pid" > "/sys/fs/cgroup/cpu/$name/cgroup.procs"; cgroups+=("/sys/fs/cgroup/cpu/$name")
  fi
}

# Requests for breast-cancer the silo behind health URL $1 has served (its own scrape).
served() { curl -fsS "$1/metrics" | awk '/^oi_inference_requests_total\{/ && /model="breast-cancer"/ { n += $NF } END { printf "%d", n }'; }

for silos in ${SILOS:-1 2 3}; do
  run="$work/run$silos"; mkdir -p "$run"
  redis_port=$(free_port); cluster="scaling-$silos-$$"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$run/redis.log" 2>&1 & pids+=($!)
  sleep 0.5
  healths=()
  for i in $(seq 1 "$silos"); do
    health=$(free_port)
    dotnet "$silo" --Orleans:Redis=127.0.0.1:$redis_port --Orleans:ClusterId=$cluster --Orleans:SiloPort=0 --Orleans:GatewayPort=0 \
      --Orleans:Dashboard=false --SiloHost:HealthUrls=http://127.0.0.1:$health --ModelRepository:RootPath="$work/models" \
      --Registry:SqlitePath="$run/registry.db" --BatchJobs:DataRoot="$run/in" --BatchJobs:OutputRoot="$run/out" \
      --BatchJobs:StateRoot="$run/state" >"$run/silo$i.log" 2>&1 & pids+=($!)
    [ "$silo_cpu" = "0" ] || cap_cpu "$!"
    wait_ready "http://127.0.0.1:$health"
    healths+=("http://127.0.0.1:$health")
  done
  urls=()
  for i in 1 2; do
    port=$(free_port)
    dotnet "$api" --Api:Grid=Client --InferenceClient:Redis=127.0.0.1:$redis_port --InferenceClient:ClusterId=$cluster \
      --ModelRepository:RootPath="$work/models" --urls=http://127.0.0.1:$port --Grpc:Url= >"$run/api$i.log" 2>&1 & pids+=($!)
    wait_ready "http://127.0.0.1:$port"
    urls+=("http://127.0.0.1:$port")
  done
  curl -fsS -X POST "${urls[0]}/api/v1/models/breast-cancer/deploy" -H 'Content-Type: application/json' \
    -d "{\"version\": \"2\", \"replicas\": $silos}" >/dev/null
  # Warm-up: every API node has seen the replica set, every replica has loaded.
  for url in "${urls[@]}"; do wrk -t1 -c$((connections / 2)) -d5s -s "$work/post.lua" "$url/api/v1/predict" >/dev/null; done
  before=(); for h in "${healths[@]}"; do before+=("$(served "$h")"); done
  loads=()
  for url in "${urls[@]}"; do
    wrk -t1 -c$((connections / 2)) -d${seconds}s --latency -s "$work/post.lua" "$url/api/v1/predict" >"$run/wrk-${url##*:}.txt" & loads+=($!)
  done
  wait "${loads[@]}"
  rps=$(cat "$run"/wrk-*.txt | awk '/^Requests\/sec:/ { s += $2 } END { printf "%.0f", s }')
  errors=$(cat "$run"/wrk-*.txt | awk '/Non-2xx/ { s += $NF } /Socket errors/ { s += 1 } END { printf "%d", s }')
  p50=$(cat "$run"/wrk-*.txt | awk '$1 == "50%" { print $2 }' | paste -sd/)
  p99=$(cat "$run"/wrk-*.txt | awk '$1 == "99%" { print $2 }' | paste -sd/)
  shares=(); total=0; i=0
  for h in "${healths[@]}"; do n=$(( $(served "$h") - before[i] )); shares+=("$n"); total=$((total + n)); i=$((i + 1)); done
  share_text=$(for n in "${shares[@]}"; do python3 -c "print(f'{$n / max(1, $total):.0%}')"; done | paste -sd/)
  echo "silos=$silos silo_cpu=$silo_cpu api_nodes=2 connections=$connections seconds=$seconds rps=$rps errors=$errors p50=$p50 p99=$p99 silo_shares=$share_text"
  stop_all
  remove_cgroups
done
