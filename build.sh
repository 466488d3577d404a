#!/usr/bin/env bash
# One entry point for the common tasks:
#   ./build.sh run     build and start the embedded default (API + silo + demo models) on http://127.0.0.1:8080
#   ./build.sh test    build everything and run every test project
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

case "${1:-test}" in
  run)
    shift || true
    exec dotnet run --project src/Api -c Release -- "$@"
    ;;
  test)
    dotnet build OrleansInference.sln -c Release
    dotnet test OrleansInference.sln -c Release --no-build --logger "console;verbosity=normal"
    ;;
  *)
    echo "usage: ./build.sh [run|test]" >&2
    exit 2
    ;;
esac
