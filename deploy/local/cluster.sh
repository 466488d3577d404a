#!/usr/bin/env bash
# A local cluster in one command: redis-server, three standalone silos and one API node without a silo, all on
# 127.0.0.1, sharing ./var/cluster (registry, batch files) and ./models. Ctrl-C stops them all.
#   deploy/local/cluster.sh            # API on http://127.0.0.1:8080
# Needs Debian's redis-server and the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
state="$PWD/var/cluster"
mkdir -p "$state"
redis_port="${REDIS_PORT:-6380}"
cluster="local-$$"
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

dotnet build src/SiloHost -c Release -v quiet --nologo
dotnet build src/Api -c Release -v quiet --nologo

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$state" --appendonly yes --save "" >"$state/redis.log" 2>&1 &
pids+=($!)
common=(--Orleans:Redis="127.0.0.1:$redis_port" --Orleans:ClusterId="$cluster" --ModelRepository:RootPath="$PWD/models"
        --Registry:SqlitePath="$state/registry.db" --BatchJobs:DataRoot="$state/batch/input"
        --BatchJobs:OutputRoot="$state/batch/output" --BatchJobs:StateRoot="$state/batch/state")
for i in 1 2 3; do
  dotnet src/SiloHost/bin/Release/net10.0/OrleansInference.SiloHost.dll "${common[@]}" \
    --Orleans:SiloPort=$((11110 + i)) --Orleans:GatewayPort=$((30000 + i)) >"$state/silo$i.log" 2>&1 &
  pids+=($!)
done
dotnet src/Api/bin/Release/net10.0/OrleansInference.Api.dll --Api:Grid=Client \
  --InferenceClient:Redis="127.0.0.1:$redis_port" --InferenceClient:ClusterId="$cluster" \
  --ModelRepository:RootPath="$PWD/models" --urls http://127.0.0.1:8080 --Grpc:Url=http://127.0.0.1:8081 &
pids+=($!)
echo "redis 127.0.0.1:$redis_port, silos on gateways 30001-30003, API on http://127.0.0.1:8080; logs in $state. Ctrl-C stops."
wait "${pids[-1]}"
