#!/usr/bin/env bash
# Builds the hello-busybox sample's bundle on a fresh clone: packs OciBundle.Sdk from source into
# artifacts/packages (nothing is published anywhere), then builds the sample against that package.
#   build/sample.sh          build the bundle
#   build/sample.sh --run    build it, unpack the rootfs and run it with runc (as root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

dotnet pack -c Release -o artifacts/packages -nodeReuse:false

# A private package folder: NuGet never re-extracts a version it already has, so a shared cache
# would keep serving an older build of the same version.
export NUGET_PACKAGES="$root/artifacts/nuget-packages"
rm -rf "$NUGET_PACKAGES/ocibundle.sdk"
dotnet build samples/hello-busybox -t:GenerateOciBundle -nodeReuse:false

bundle=samples/hello-busybox/bin/Debug/net8.0/oci-bundle
if [[ "${1:-}" == "--run" ]]; then
  run=$(mktemp -d)
  trap 'runc delete -f hello-busybox-sample >/dev/null 2>&1 || true; rm -rf "$run"' EXIT
  chmod 755 "$run"
  cp "$bundle/config.json" "$run/"
  mkdir "$run/rootfs"
  tar -xzf "$bundle/rootfs.tar.gz" -C "$run/rootfs"
  runc run -b "$run" hello-busybox-sample
fi
