#!/usr/bin/env bash
# Throughput of the grid in cluster mode with 1, 2 and 3 standalone silos behind two API nodes (Api:Grid=Client), all
# on this host over one redis-server on 127.0.0.1: single-row predict (breast-cancer), closed loop, CONNECTIONS
# connections spread over both API nodes. Prints one line per silo count. Run after
#   dotnet build src/SiloHost -c Release && dotnet build src/Api -c Release
# Usage: bench/cluster/scaling.sh [SECONDS] [CONNECTIONS]     (needs Debian's redis-server and python3)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
connections=${2:-32}
work=$(mktemp -d /tmp/oi-scaling-XXXXXX)
pids=()
# Stops the newest first (API nodes, silos, then Redis): a silo leaving gracefully still needs Redis.
stop_all() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done; pids=(); }
trap 'stop_all; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 240); do curl -fsS "$1/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "not ready: $1" >&2; return 1; }
silo=src/SiloHost/bin/Release/net10.0/OrleansInference.SiloHost.dll
api=src/Api/bin/Release/net10.0/OrleansInference.Api.dll
cp -r models "$work/models"

for silos in 1 2 3; do
  run="$work/run$silos"; mkdir -p "$run"
  redis_port=$(free_port); cluster="scaling-$silos-$$"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$run/redis.log" 2>&1 & pids+=($!)
  sleep 0.5
  for i in $(seq 1 "$silos"); do
    health=$(free_port)
    dotnet "$silo" --Orleans:Redis=127.0.0.1:$redis_port --Orleans:ClusterId=$cluster --Orleans:SiloPort=0 --Orleans:GatewayPort=0 \
      --Orleans:Dashboard=false --SiloHost:HealthUrls=http://127.0.0.1:$health --ModelRepository:RootPath="$work/models" \
      --Registry:SqlitePath="$run/registry.db" --BatchJobs:DataRoot="$run/in" --BatchJobs:OutputRoot="$run/out" \
      --BatchJobs:StateRoot="$run/state" >"$run/silo$i.log" 2>&1 & pids+=($!)
    wait_ready "http://127.0.0.1:$health"
  done
  urls=()
  for i in 1 2; do
    port=$(free_port)
    dotnet "$api" --Api:Grid=Client --InferenceClient:Redis=127.0.0.1:$redis_port --InferenceClient:ClusterId=$cluster \
      --ModelRepository:RootPath="$work/models" --urls=http://127.0.0.1:$port --Grpc:Url= >"$run/api$i.log" 2>&1 & pids+=($!)
    wait_ready "http://127.0.0.1:$port"
    urls+=("http://127.0.0.1:$port")
  done
  result=$(python3 bench/cluster/load.py "$seconds" 5 "$connections" "${urls[@]}")
  echo "silos=$silos api_nodes=2 connections=$connections seconds=$seconds $result"
  stop_all
done
