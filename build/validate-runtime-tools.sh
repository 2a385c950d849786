#!/usr/bin/env bash
# Runs runtime-tools' validate (a second opinion beside our tests and the JSON schema) on every
# bundle the end-to-end tests kept:
#
#     build/validate-runtime-tools.sh SCHEMA_DIR BUNDLES_DIR
#
# SCHEMA_DIR holds the runtime-spec schema (../shared/oci-runtime-spec/schema in CI); BUNDLES_DIR
# holds one folder per bundle, config.json beside its rootfs (artifacts/e2e-bundles). Debian ships
# runtime-tools as Go source (golang-github-opencontainers-runtime-tools-dev), not as a command:
# build/runtime-tools-validate/main.go drives its validate package, built here once, offline, in
# GOPATH mode. Prints a verdict per bundle; exits non-zero when one is invalid or none was kept.
# The quirks it handles are in main.go and docs/reliability.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
schema=$(cd "$1" && pwd)
bundles=$2
gopath=/usr/share/gocode
if [ ! -d "$gopath/src/github.com/opencontainers/runtime-tools/validate" ]; then
  echo "validate-runtime-tools: runtime-tools source missing (apt-get install golang-go golang-github-opencontainers-runtime-tools-dev)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
GO111MODULE=off GOPATH="$gopath" GOCACHE="$work/cache" GOFLAGS= CGO_ENABLED=0 \
  go build -o "$work/runtime-tools-validate" "$root/build/runtime-tools-validate/main.go"

shopt -s nullglob
list=()
for config in "$bundles"/*/config.json; do
  list+=("$(dirname "$config")")
done
if [ ${#list[@]} -eq 0 ]; then
  echo "validate-runtime-tools: no bundles in $bundles" >&2
  exit 1
fi
"$work/runtime-tools-validate" -schema "$schema" "${list[@]}"
