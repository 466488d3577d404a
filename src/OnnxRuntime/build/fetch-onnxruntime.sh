#!/usr/bin/env bash
# Fetches libonnxruntime.so.1 from the npm package onnxruntime-node into a local cache.
#
#   fetch-onnxruntime.sh <version> <sha256> <cache-dir>
#
# The npm tarball is downloaded with `npm pack` (no install scripts run), only the Linux x64
# library is extracted, its SHA-256 is checked, and it is moved into <cache-dir> atomically.
# A lock file serializes concurrent builds that share the cache.
#
# Exit codes: 0 ok, 10 npm missing, 11 checksum mismatch, 12 library missing from the package,
# 13 other failure (npm pack, tar, flock).
set -euo pipefail

version="$1"
expected_sha="$2"
cache_dir="$3"
library="libonnxruntime.so.1"
member="package/bin/napi-v6/linux/x64/${library}"

if [[ -f "${cache_dir}/${library}" ]]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "npm was not found on PATH; it is needed once to fetch onnxruntime-node@${version}." >&2
  exit 10
fi

mkdir -p "${cache_dir}"
exec 9>"${cache_dir}/.fetch.lock"
if ! flock -w 600 9; then
  echo "Timed out waiting for the lock ${cache_dir}/.fetch.lock." >&2
  exit 13
fi

# Another build may have finished the fetch while this one waited for the lock.
if [[ -f "${cache_dir}/${library}" ]]; then
  exit 0
fi

work="$(mktemp -d "${cache_dir}/.fetch.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

echo "Fetching onnxruntime-node@${version} with npm pack into ${cache_dir}" >&2
if ! (cd "${work}" && npm pack "onnxruntime-node@${version}" --ignore-scripts --silent >/dev/null); then
  echo "npm pack onnxruntime-node@${version} failed." >&2
  exit 13
fi

tarball="$(ls "${work}"/onnxruntime-node-*.tgz 2>/dev/null | head -n 1)"
if [[ -z "${tarball}" ]]; then
  echo "npm pack produced no tarball for onnxruntime-node@${version}." >&2
  exit 13
fi

if ! tar -xzf "${tarball}" -C "${work}" "${member}"; then
  echo "${member} is missing from onnxruntime-node@${version}." >&2
  exit 12
fi

actual_sha="$(sha256sum "${work}/${member}" | cut -d' ' -f1)"
if [[ "${actual_sha}" != "${expected_sha}" ]]; then
  echo "Checksum mismatch for ${library} from onnxruntime-node@${version}: expected ${expected_sha}, got ${actual_sha}." >&2
  exit 11
fi

chmod 0755 "${work}/${member}"
# Same file system as the cache, so the rename is atomic.
mv -f "${work}/${member}" "${cache_dir}/${library}"
