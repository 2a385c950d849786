#!/usr/bin/env bash
# Puts libdeflate (the gzip members' compressor, docs/performance.md "libdeflate") into DIR as
#   DIR/linux-x64/libdeflate.so.0, DIR/linux-arm64/libdeflate.so.0, DIR/libdeflate-copyright.txt
# from Debian 12's own binary packages (libdeflate0 1.14-1), fetched by URL and checked against
# the SHA-256 pinned below, then only unpacked (dpkg-deb, else ar and tar): nothing is compiled
# or installed, and the host is unchanged. Needs bash and curl, and reaches deb.debian.org once.
# Run by OciBundle.csproj before it builds; a second run finds the files and does nothing.
set -euo pipefail
dir=${1:?usage: build/libdeflate.sh DIR}
version=1.14-1
pool=${OCIB_DEBIAN_POOL:-http://deb.debian.org/debian/pool/main}/libd/libdeflate
# architecture, Debian's name for it, its library folder, SHA-256 of the .deb
packages=(
  "linux-x64 amd64 x86_64-linux-gnu 3d4b39f94317b64a860db8a7a8b581b555124cd461fe07ec0d347edbdb9f6683"
  "linux-arm64 arm64 aarch64-linux-gnu 32576ec45ad51662e02f5381e09cca75bc114065eaf28090f7294a4d84526451"
)
stamp=$dir/libdeflate-$version.done
[[ -f $stamp ]] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for line in "${packages[@]}"; do
  read -r rid arch triplet sha256 <<<"$line"
  deb=$work/libdeflate0_${version}_$arch.deb
  curl -fsS --retry 3 -o "$deb" "$pool/libdeflate0_${version}_$arch.deb" \
    || { echo "build/libdeflate.sh: cannot download $pool/libdeflate0_${version}_$arch.deb" >&2; exit 1; }
  echo "$sha256  $deb" | sha256sum -c --quiet - \
    || { echo "build/libdeflate.sh: libdeflate0_${version}_$arch.deb is not the pinned file" >&2; exit 1; }
  mkdir -p "$work/$arch"
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$deb" "$work/$arch"
  else # a .deb is an ar archive holding data.tar.xz (macOS, other Linux distributions)
    (cd "$work/$arch" && ar x "$deb" && tar -xf data.tar.*)
  fi
  mkdir -p "$dir/$rid"
  # Renamed into place: builds of the solution running this at once each write whole files.
  install -m 0644 "$work/$arch/usr/lib/$triplet/libdeflate.so.0" "$dir/$rid/libdeflate.so.0.$$"
  mv -f "$dir/$rid/libdeflate.so.0.$$" "$dir/$rid/libdeflate.so.0"
done
install -m 0644 "$work/amd64/usr/share/doc/libdeflate0/copyright" "$dir/libdeflate-copyright.txt.$$"
mv -f "$dir/libdeflate-copyright.txt.$$" "$dir/libdeflate-copyright.txt"
touch "$stamp"
