#!/usr/bin/env bash
# Runs every test: builds the solution (warnings are errors), checks formatting, then runs the
# unit tests and the end-to-end tests (which pack the SDK into a temporary feed, build real
# projects with `dotnet build -t:GenerateOciBundle` and run the bundles with runc).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build OciBundle.Sdk.sln -c Release -nodeReuse:false
dotnet format OciBundle.Sdk.sln --verify-no-changes --no-restore

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test OciBundle.Sdk.sln -c Release --no-build -nodeReuse:false 2>&1 | tee "$log" || status=$?
dotnet build-server shutdown >/dev/null 2>&1 || true

# One closing line over all test assemblies, in the plain form CI reads.
sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{s+=$2} END {print s+0}'; }
echo "tests: $(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
exit $status
