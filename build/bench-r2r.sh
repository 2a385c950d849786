#!/usr/bin/env bash
# ReadyToRun benchmark (docs/performance.md, "ReadyToRun"): the same package with the targets
# choosing tasks/net8.0/ (IL, as before) or tasks/net10.0/ (ReadyToRun), paired: cold and no-op
# builds of a small bundle project, alternated, with -v:d so OCIB5017 gives the task's CPU seconds
# and the methods the JIT compiled in the MSBuild process.
#   build/bench-r2r.sh PACKAGE.nupkg [ROUNDS]   (default 3 rounds)
set -euo pipefail
nupkg=$(realpath "$1"); rounds=${2:-3}
work=${BENCH_DIR:-/tmp/ocibundle-bench-r2r}
rm -rf "$work" && mkdir -p "$work/feed-il" "$work/feed-r2r"
cp "$nupkg" "$work/feed-r2r/"
# The "before" package: identical bytes but the old UsingTask (tasks/net8.0/ always).
mkdir "$work/il" && (cd "$work/il" && unzip -q "$nupkg" && \
  python3 - <<'PY'
import re
p = 'build/OciBundle.Sdk.targets'
s = open(p).read()
s, n = re.subn(r'tasks/net10\.0/OciBundle\.Tasks\.dll"\s*Condition="[^"]*"', 'tasks/net10.0/OciBundle.Tasks.dll" Condition="false"', s)
s, m = re.subn(r"and \$\(\[System\.Environment\]::Version\.Major\) &lt; 10", '', s)
assert n == 1 and m == 1, (n, m)
open(p, 'w').write(s)
PY
  zip -qr "$work/feed-il/$(basename "$nupkg")" .)
for kind in il r2r; do
  dir=$work/$kind-project && mkdir -p "$dir"
  printf '#!/bin/sh\necho hello\n' >"$dir/hello.sh"
  cat >"$dir/bench.proj" <<PROJ
<Project Sdk="Microsoft.Build.NoTargets/3.7.0">
  <Sdk Name="OciBundle.Sdk" Version="0.1.0" />
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <OciRootfsFile Include="/bin/busybox" TargetPath="/bin/busybox" Mode="0755" />
    <OciRootfsSymlink Include="/bin/sh" LinkTarget="busybox" />
    <OciRootfsFile Include="hello.sh" TargetPath="/usr/local/bin/hello" Mode="0755" />
    <OciEntrypoint Include="/usr/local/bin/hello" />
  </ItemGroup>
</Project>
PROJ
  # Only this feed: a package of the same version elsewhere (the NuGet cache) must not be taken.
  cp "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/microsoft.build.notargets/3.7.0/*.nupkg "$work/feed-$kind/"
  printf '<configuration><packageSources><clear /><add key="local" value="%s" /></packageSources></configuration>\n' \
    "$work/feed-$kind" >"$dir/nuget.config"
  NUGET_PACKAGES=$work/packages-$kind dotnet restore "$dir/bench.proj" -nodeReuse:false -v:q >/dev/null
done
# One build: wall seconds, then the OCIB5017 line's task CPU and JIT count.
build() {
  local kind=$1 label=$2 dir=$work/$1-project start end line log
  start=$(date +%s.%N)
  log=$(NUGET_PACKAGES=$work/packages-$kind dotnet build "$dir/bench.proj" -t:GenerateOciBundle --no-restore -nodeReuse:false -v:d 2>&1 || true)
  line=$(grep -m1 'OCIB5017' <<<"$log" || true)
  # Which task assembly MSBuild loaded, so a wrong package cannot pass for the other one.
  grep -q "task from assembly .*/tasks/$(if [ "$kind" = r2r ]; then echo net10.0; else echo net8.0; fi)/" <<<"$log" || { echo "$kind: wrong task assembly" >&2; exit 1; }
  end=$(date +%s.%N)
  printf '%s\t%s\twall=%.2fs\tload=%s\t%s\n' "$kind" "$label" "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1 /proc/loadavg)" \
    "${line#*OCIB5017: }"
}
for round in $(seq "$rounds"); do
  for kind in il r2r; do
    rm -rf "$work/$kind-project/bin" "$work/$kind-project/obj/Debug"
    build "$kind" "cold#$round"
    build "$kind" "noop#$round"
  done
done
