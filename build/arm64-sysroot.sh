#!/usr/bin/env bash
# Makes an arm64 sysroot in DIR from Debian's own arm64 packages, for OciSysroot when building an
# arm64 bundle on an x64 machine (docs/properties.md, OciSysroot). The packages are only unpacked
# (dpkg-deb -x), never installed, so the host is unchanged apart from the foreign architecture.
# What a self-contained .NET app's native files (libcoreclr.so, libclrjit.so, libSystem.Native.so, ...)
# load on arm64: libc6 (also libm, libdl, libpthread, librt, the loader), libstdc++6, libgcc-s1;
# zlib1g for System.IO.Compression.Native. ICU is not needed with InvariantGlobalization.
set -euo pipefail
dir=${1:?usage: build/arm64-sysroot.sh DIR}
packages=(libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64)
export DEBIAN_FRONTEND=noninteractive
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
if ! ls /var/lib/apt/lists/*_binary-arm64_Packages* >/dev/null 2>&1; then
  apt-get update -qq
fi
debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
# apt-get download writes into the current folder as _apt when it can.
chown _apt "$debs" 2>/dev/null || true
(cd "$debs" && apt-get download -qq "${packages[@]}")
mkdir -p "$dir"
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$dir"
done
echo "arm64 sysroot in $dir from:" $(cd "$debs" && ls)
