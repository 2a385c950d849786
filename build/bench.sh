#!/usr/bin/env bash
# Packing benchmark (docs/performance.md): our packer against GNU tar + gzip and tar + pigz, on the
# same cores, in one invocation, several rounds; prints medians, the ratios issues 7 and 15 ask
# for, peak memory, the directory format against cp -a, and whole dotnet builds: a cold forced
# re-pack against tar -c | pigz, a one-file change against the cold pack, no-op builds.
#   build/bench.sh [--rounds N] [--quick] [--loop-only] [--build-only]
#     --rounds N    rounds of each timed packer and build (default 3); medians are reported
#     --quick       skip GNU tar -czf (single-threaded, the slowest) and the dotnet build parts
#     --loop-only   only the .NET developer's loop on a default console app (no corpus, no packers)
#     --build-only  only the whole builds of the corpus project (cold, one-file change, no-op) and pigz
# Environment: BENCH_DIR (default /tmp/ocibundle-bench) holds the corpus and the outputs;
# BENCH_CORPUS (default $BENCH_DIR/corpus, a copy of the .NET install folder, made if missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=3
quick=false
loop_only=false
build_only=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --quick) quick=true; shift ;;
    --loop-only) loop_only=true; shift ;;
    --build-only) build_only=true; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 LC_ALL=C
work=${BENCH_DIR:-/tmp/ocibundle-bench}
corpus=${BENCH_CORPUS:-$work/corpus}
small=$work/corpus-100
single=$work/corpus-1
cores=$(nproc)
mkdir -p "$work"

# The .NET developer's loop on what 'dotnet new console' writes plus the <Sdk> line (no
# RuntimeIdentifier: the bundle publishes self-contained for linux-<arch>): no-op bundle build
# against no-op 'dotnet build', and a one-line change built into the bundle against the same
# change through 'dotnet publish -r linux-<arch> --self-contained' (the publish the bundle does).
dotnet_loop() {
  local packages=$work/loop-packages app=$work/console-app results=$work/loop-results
  rm -rf "$results" && mkdir -p "$results"
  rm -rf "$packages" && dotnet pack "$root/src/OciBundle.Sdk" -c Release -o "$packages" -nodeReuse:false -v:q -nologo >/dev/null
  export NUGET_PACKAGES=$work/nuget-packages
  rm -rf "$NUGET_PACKAGES/ocibundle.sdk" "$app" && mkdir -p "$app"
  local version tfm rid
  version=$(basename "$packages"/OciBundle.Sdk.*.nupkg .nupkg) && version=${version#OciBundle.Sdk.}
  tfm=net$(dotnet --version | cut -d. -f1).0
  rid=linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')
  printf '<configuration>\n  <packageSources>\n    <add key="ocibundle-bench" value="%s" />\n  </packageSources>\n</configuration>\n' "$packages" >"$app/nuget.config"
  printf '<Project Sdk="Microsoft.NET.Sdk">\n  <Sdk Name="OciBundle.Sdk" Version="%s" />\n  <PropertyGroup>\n    <OutputType>Exe</OutputType>\n    <TargetFramework>%s</TargetFramework>\n    <ImplicitUsings>enable</ImplicitUsings>\n    <Nullable>enable</Nullable>\n  </PropertyGroup>\n</Project>\n' "$version" "$tfm" >"$app/app.csproj"
  echo 'Console.WriteLine("change 0");' >"$app/Program.cs"
  local log=$results/build.log
  # timed NAME COMMAND...: runs the command (its output to the log) and appends its wall seconds to $results/NAME.
  timed() {
    local t0 t1
    t0=$(date +%s.%N)
    "${@:2}" >"$results/last.log" 2>&1 || { cat "$results/last.log" >>"$log"; echo "failed: ${*:2}; see $log" >&2; exit 1; }
    t1=$(date +%s.%N)
    cat "$results/last.log" >>"$log"
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", b-a}' >>"$results/$1"
  }
  local build=(dotnet build "$app/app.csproj" --no-restore -nodeReuse:false -v:m -nologo)
  dotnet restore "$app/app.csproj" -nodeReuse:false -v:q >"$log" 2>&1
  timed first "${build[@]}" -t:GenerateOciBundle
  "${build[@]}" >>"$log" 2>&1 # the project's own build, once: the bundle target does not run it, so the first would not be a no-op
  for ((r = 1; r <= rounds; r++)); do
    timed noop-build "${build[@]}"
    timed noop-bundle "${build[@]}" -t:GenerateOciBundle
    grep -q ", up to date)" "$results/last.log" || { echo "the no-op bundle build was not up to date; see $log" >&2; exit 1; }
    echo "Console.WriteLine(\"change $r a\");" >"$app/Program.cs"
    timed change-bundle "${build[@]}" -t:GenerateOciBundle
    echo "Console.WriteLine(\"change $r b\");" >"$app/Program.cs"
    timed change-publish dotnet publish "$app/app.csproj" --no-restore -c Debug -r "$rid" --self-contained -nodeReuse:false -v:m -nologo
    # The publish's change is one the bundle has not seen: bring it in, untimed, so the next round's no-op is one.
    "${build[@]}" -t:GenerateOciBundle >>"$log" 2>&1
  done
  med() { sort -g "$results/$1" | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
  echo "default console app ($tfm, self-contained for $rid), $rounds round(s), load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  first bundle build: $(med first) s"
  echo "  no-op: dotnet build -t:GenerateOciBundle $(med noop-bundle) s, dotnet build $(med noop-build) s, ratio $(awk -v a="$(med noop-bundle)" -v b="$(med noop-build)" 'BEGIN {printf "%.2f", a/b}')x"
  echo "  one-line change: dotnet build -t:GenerateOciBundle $(med change-bundle) s, dotnet publish -r $rid --self-contained $(med change-publish) s, ratio $(awk -v a="$(med change-bundle)" -v b="$(med change-publish)" 'BEGIN {printf "%.2f", a/b}')x"
}
if [[ $loop_only == true ]]; then
  dotnet_loop
  exit 0
fi

# Tools: pigz and GNU time are the referees; install them when we may.
missing=()
command -v pigz >/dev/null || missing+=(pigz)
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

# The corpus: a copy of the .NET install (~620 MB of binaries, text and archives), and a ~100 MB
# part of it for the memory check.
if [[ ! -d $corpus ]]; then
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  echo "making the corpus: cp -a $dotnet_root $corpus"
  cp -a "$dotnet_root" "$corpus.tmp" && mv "$corpus.tmp" "$corpus"
fi
if [[ ! -d $small ]]; then
  mkdir -p "$small.tmp" && cp -a "$corpus/shared" "$corpus/dotnet" "$small.tmp/" && mv "$small.tmp" "$small"
fi
if [[ ! -d $single ]]; then # the memory baseline: the same process with one file to pack
  mkdir -p "$single.tmp" && cp -a "$corpus/dotnet" "$single.tmp/" && mv "$single.tmp" "$single"
fi

out=$work/out
results=$work/results

# median NAME FIELD: the median of one field (1 wall, 2 user, 3 sys, 4 maxrss, 5 bytes) over the rounds.
median() { awk -v f="$2" '{print $f}' "$results/$1" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
cpu() { awk -v u="$(median "$1" 2)" -v s="$(median "$1" 3)" 'BEGIN {printf "%.2f", u+s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
# median_ratio A B: the median over the rounds of A's wall time over B's in the same round (on a
# shared machine pairs drift together; the ratio of the medians is printed beside it).
median_ratio() { paste -d' ' <(awk '{print $1}' "$results/$1") <(awk '{print $1}' "$results/$2") | awk '{print $1/$2}' | sort -g | awk '{v[NR]=$1} END {printf "%.2f", (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# The whole build as a user runs it (issue 15): `dotnet build -t:GenerateOciBundle` of a project
# whose OciBaseRootfs is the corpus, with the SDK packed from this tree. Each round, one after the
# other on a warm page cache:
#   cold      obj/ put back to what restore wrote (no stamp, no cache of compressed members), so
#             the bundle is packed from nothing; the previous round's bundle is in place and gets
#             replaced, as in a forced re-pack; first with OciSbom=none, then with the defaults;
#   pigz      tar -c | pigz -p$cores of the same corpus, the reference, in the same round;
#   one-file  one 1 KiB file of the base rewritten (same size, new bytes), then the same build
#             again on the obj/ the cold build left (what it cached, if anything, is there);
#   no-op     dotnet build, and dotnet build -t:GenerateOciBundle, with nothing changed.
# The cold and one-file builds log at -v:d, so OCIB5017 says what the task itself cost: its CPU,
# the methods the JIT compiled, and its peak RSS over the RSS at its start (the task's memory,
# without MSBuild's). Then the same cold and one-file rounds on the ~100 MB corpus, for memory.
# The file the one-file rounds rewrite is CORPUS/ocibundle-bench-change.txt (made once; it sorts
# into the middle of the archive, so every member after it moves).
# whole_build CORPUS NAME FULL: NAME prefixes the results; FULL=false skips pigz and the no-op builds.
whole_build() {
  local base=$1 name=$2 full=$3
  local packages=$work/packages project=$work/project-$name change=$1/ocibundle-bench-change.txt log=$results/build.log
  mkdir -p "$results" "$out"
  rm -f "$results/$name"-* "$results/pigz-pair"
  if [[ ! -f $packages/.packed ]]; then
    rm -rf "$packages" && dotnet pack "$root/src/OciBundle.Sdk" -c Release -o "$packages" -nodeReuse:false -v:q -nologo >/dev/null
    touch "$packages/.packed"
    rm -rf "$work/nuget-packages/ocibundle.sdk"
  fi
  export NUGET_PACKAGES=$work/nuget-packages
  local version
  version=$(basename "$packages"/OciBundle.Sdk.*.nupkg .nupkg) && version=${version#OciBundle.Sdk.}
  write_change() { # a 1 KiB text file whose bytes depend on $1
    { printf 'ocibundle bench change %s\n' "$1"; head -c 1100 /dev/zero | tr '\0' 'x'; } | head -c 1024 >"$change"
  }
  [[ -f $change ]] || write_change 0
  rm -rf "$project" && mkdir -p "$project"
  printf '<configuration>\n  <packageSources>\n    <add key="ocibundle-bench" value="%s" />\n  </packageSources>\n</configuration>\n' "$packages" >"$project/nuget.config"
  printf '<Project Sdk="Microsoft.Build.NoTargets/3.7.0">\n  <Sdk Name="OciBundle.Sdk" Version="%s" />\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n    <OciBaseRootfs>%s</OciBaseRootfs>\n  </PropertyGroup>\n  <ItemGroup>\n    <OciEntrypoint Include="/dotnet" />\n  </ItemGroup>\n</Project>\n' "$version" "$base" >"$project/bench.proj"
  local bundle=$project/bin/Debug/net8.0/oci-bundle/rootfs.tar.gz
  dotnet restore "$project/bench.proj" -nodeReuse:false -v:q >>"$log" 2>&1
  rm -rf "$work/obj-restored-$name" && cp -a "$project/obj" "$work/obj-restored-$name"
  # build NAME VERBOSITY ARGS...: one timed dotnet build; appends "wall user sys maxrss_kb
  # rootfs_bytes task_growth_mib task_jit_methods task_cpu_s" to $results/NAME (the last three from
  # OCIB5017 at -v:d, else 0).
  build() {
    local name=$1 verbosity=$2
    shift 2
    /usr/bin/time -f "%e %U %S %M" -o "$results/time" dotnet build "$project/bench.proj" --no-restore -nodeReuse:false -v:"$verbosity" -nologo "$@" >"$results/last.log" 2>&1 \
      || { cat "$results/last.log" >>"$log"; echo "failed: dotnet build $*; see $log" >&2; exit 1; }
    cat "$results/last.log" >>"$log"
    local bytes=0
    [[ -f $bundle ]] && bytes=$(stat -c %s "$bundle")
    local task
    task=$(grep -m1 -o 'OCIB5017: .*' "$results/last.log" | awk '{
      g = 0; j = 0; c = 0
      if (match($0, /peak RSS \+[0-9]+ MiB/)) { g = substr($0, RSTART + 10, RLENGTH - 14) }
      if (match($0, /JIT [0-9]+ methods/)) { j = substr($0, RSTART + 4, RLENGTH - 12) }
      if (match($0, /CPU [0-9.]+ s/)) { c = substr($0, RSTART + 4, RLENGTH - 6) }
      print g, j, c }' || true)
    echo "$(cat "$results/time") $bytes ${task:-0 0 0}" >>"$results/$name"
    grep -m1 -o 'OCIB5017: .*' "$results/last.log" >>"$results/$name.timings" || true
  }
  packed() { ! grep -q ", up to date)" "$results/last.log"; }
  tar -cf - -C "$base" . | cat >/dev/null # the page cache, as for the packers
  build "$name-first" n -t:GenerateOciBundle # not in the figures: the first build after a pack extracts the package
  build "$name-first" n "-t:Build;GenerateOciBundle" # the project's own build, once, so that the no-op build is one
  for ((r = 1; r <= rounds; r++)); do
    echo "whole build of $name, round $r/$rounds"
    if [[ $full == true ]]; then
      # The same cold pack without the bill of materials: the issue's baseline (c130dd1) had none,
      # and OciSbom=none is what a user who needs none pays.
      rm -rf "$project/obj" && cp -a "$work/obj-restored-$name" "$project/obj"
      build "$name-cold-nosbom" d -t:GenerateOciBundle -p:OciSbom=none
      packed || { echo "the cold build without SBOM did not pack; see $log" >&2; exit 1; }
    fi
    rm -rf "$project/obj" && cp -a "$work/obj-restored-$name" "$project/obj"
    build "$name-cold" d -t:GenerateOciBundle
    packed || { echo "the cold build did not pack; see $log" >&2; exit 1; }
    if [[ $full == true ]]; then
      rm -f "$out/pigz.gz"
      /usr/bin/time -f "%e %U %S %M" -o "$results/time" bash -c "tar -cf - -C '$base' . | pigz -p$cores >'$out/pigz.gz'"
      echo "$(cat "$results/time") $(stat -c %s "$out/pigz.gz")" >>"$results/pigz-pair"
    fi
    write_change "$r"
    build "$name-one-file" d -t:GenerateOciBundle
    packed || { echo "the one-file build did not pack; see $log" >&2; exit 1; }
    if [[ $full == true ]]; then
      build "$name-noop-build" n
      build "$name-noop-bundle" n -t:GenerateOciBundle
      grep -q ", up to date)" "$results/last.log" || { echo "the no-op bundle build was not up to date; see $log" >&2; exit 1; }
    fi
  done
  rm -f "$out/pigz.gz"
  local size
  size=$(du -sm "$base" | cut -f1)
  if [[ $full == true ]]; then
    mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b/1048576}'; }
    echo "whole dotnet build of the corpus project ($size MB), $rounds round(s), load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "| measure | ours | reference | ratio | target |"
    echo "| --- | --- | --- | --- | --- |"
    echo "| cold forced re-pack, whole build vs \`tar -c \\| pigz -p$cores\`, wall s | $(median "$name-cold" 1) | $(median pigz-pair 1) | $(ratio "$(median "$name-cold" 1)" "$(median pigz-pair 1)") (pairs: $(median_ratio "$name-cold" pigz-pair)) | ≤ 0.5 |"
    echo "| the same, CPU s (user + sys) | $(cpu "$name-cold") | $(cpu pigz-pair) | $(ratio "$(cpu "$name-cold")" "$(cpu pigz-pair)") | — |"
    echo "| the same with OciSbom=none (no bill of materials, as at the issue's baseline), wall s | $(median "$name-cold-nosbom" 1) | $(median pigz-pair 1) | $(ratio "$(median "$name-cold-nosbom" 1)" "$(median pigz-pair 1)") (pairs: $(median_ratio "$name-cold-nosbom" pigz-pair)); CPU $(ratio "$(cpu "$name-cold-nosbom")" "$(cpu pigz-pair)") | — |"
    echo "| size vs pigz -6, MiB | $(mib "$(median "$name-cold" 5)") | $(mib "$(median pigz-pair 5)") | $(ratio "$(median "$name-cold" 5)" "$(median pigz-pair 5)") | ≤ 1.05 |"
    echo "| one 1 KiB file of the base changed, rebuild vs cold, wall s | $(median "$name-one-file" 1) | $(median "$name-cold" 1) | $(ratio "$(median "$name-one-file" 1)" "$(median "$name-cold" 1)") (pairs: $(median_ratio "$name-one-file" "$name-cold")) | ≤ 0.15 |"
    echo "| no-op -t:GenerateOciBundle vs no-op dotnet build, wall s | $(median "$name-noop-bundle" 1) | $(median "$name-noop-build" 1) | $(ratio "$(median "$name-noop-bundle" 1)" "$(median "$name-noop-build" 1)") (pairs: $(median_ratio "$name-noop-bundle" "$name-noop-build")) | ≤ 1.2 |"
    echo "peak RSS of the build process: cold $(($(median "$name-cold" 4) / 1024)) MiB, one-file $(($(median "$name-one-file" 4) / 1024)) MiB, no-op dotnet build $(($(median "$name-noop-build" 4) / 1024)) MiB"
  fi
  echo "the task alone at $size MB (OCIB5017; medians): cold: CPU $(median "$name-cold" 8) s, JIT $(median "$name-cold" 7) methods, memory +$(median "$name-cold" 6) MiB; one-file: CPU $(median "$name-one-file" 8) s, JIT $(median "$name-one-file" 7) methods, memory +$(median "$name-one-file" 6) MiB (peak RSS over the RSS at the task's start; target ≤ 64)"
}

if [[ $build_only == true ]]; then
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $cores cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  rm -f "$work/packages/.packed"
  whole_build "$corpus" build true
  whole_build "$small" build100 false
  exit 0
fi

dotnet build "$root/src/OciBundle.Pack" -c Release -nodeReuse:false -v:q -nologo >/dev/null
pack=$root/src/OciBundle.Pack/bin/Release/net10.0/ocibundle-pack

rm -rf "$results" && mkdir -p "$results"
tar -cf - -C "$corpus" . | cat >/dev/null # warm the page cache: every packer reads from memory

# run NAME COMMAND...: one timed run; appends "wall user sys maxrss_kb output_bytes" to $results/NAME.
run() {
  local name=$1; shift
  rm -rf "$out" && mkdir -p "$out"
  /usr/bin/time -f "%e %U %S %M" -o "$results/time" "$@" >"$results/stdout"
  local bytes=0
  [[ -f $out/result.gz ]] && bytes=$(stat -c %s "$out/result.gz")
  [[ -f $out/b/rootfs.tar.gz ]] && bytes=$(stat -c %s "$out/b/rootfs.tar.gz")
  echo "$(cat "$results/time") $bytes" >>"$results/$name"
  cp "$results/stdout" "$results/$name.stdout"
}


echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $cores cores, $(awk '/MemTotal/ {printf "%d GiB", $2/1048576}' /proc/meminfo), $(findmnt -no FSTYPE -T "$work")"
echo "corpus: $corpus, $(du -sb "$corpus" | cut -f1) bytes, $(find "$corpus" -type f | wc -l) files; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

for ((r = 1; r <= rounds; r++)); do
  echo "round $r/$rounds"
  run ours-optimal "$pack" "$corpus" "$out/b" --entrypoint /dotnet --level Optimal
  run ours-fastest "$pack" "$corpus" "$out/b" --entrypoint /dotnet --level Fastest
  run pigz bash -c "tar -cf - -C '$corpus' . | pigz -p$cores >'$out/result.gz'"
  run pigz-1 bash -c "tar -cf - -C '$corpus' . | pigz -p$cores -1 >'$out/result.gz'"
  if [[ $quick == false ]]; then
    run gnu-tar-gzip tar -czf "$out/result.gz" -C "$corpus" .
  fi
  run ours-directory "$pack" "$corpus" "$out/b" --entrypoint /dotnet --format directory
  run cp-a cp -a "$corpus" "$out/copy"
  # What the directory format does: the copy, and a SHA-256 line for every file (SHA256SUMS).
  run cp-a-sha256sum bash -c "cp -a '$corpus' '$out/copy' && cd '$out/copy' && find . -type f -print0 | xargs -0 -P$cores -n64 sha256sum >/dev/null"
done
run ours-optimal-100mb "$pack" "$small" "$out/b" --entrypoint /dotnet --level Optimal
run ours-optimal-1file "$pack" "$single" "$out/b" --entrypoint /dotnet --level Optimal
# Memory of packing: peak RSS over the peak of the same command packing one file, which loads the
# same code (the runtime maps ~40 MiB of framework code while it runs, whatever the input); and,
# stricter, over the RSS at the start of main.
peak_kb() { awk '/^rss_peak_kb/ {print $2}' "$results/$1.stdout"; }
rss_growth() { awk -v p="$(peak_kb "$1")" -v b="$(peak_kb ours-optimal-1file)" 'BEGIN {printf "%.0f", (p-b)/1024}'; }
rss_growth_from_start() { awk '/^rss_baseline_kb/ {b=$2} /^rss_peak_kb/ {p=$2} END {printf "%.0f", (p-b)/1024}' "$results/$1.stdout"; }
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

row() { # packer name label
  printf '| %s | %s | %s | %.1f | %.0f |\n' "$2" "$(median "$1" 1)" "$(cpu "$1")" "$(awk -v b="$(median "$1" 5)" 'BEGIN {print b/1048576}')" "$(awk -v k="$(median "$1" 4)" 'BEGIN {print k/1024}')"
}
echo
echo "| packer | wall s | CPU s (user+sys) | output MiB | peak RSS MiB |"
echo "| --- | --- | --- | --- | --- |"
row ours-optimal "ocibundle-pack, Optimal"
row ours-fastest "ocibundle-pack, Fastest"
row pigz "tar -c \\| pigz -p$cores"
row pigz-1 "tar -c \\| pigz -p$cores -1"
[[ $quick == false ]] && row gnu-tar-gzip "GNU tar -czf"
row ours-directory "ocibundle-pack, directory"
row cp-a "cp -a"
row cp-a-sha256sum "cp -a, then sha256sum -P$cores of every file"
echo
echo "Optimal vs pigz: wall $(ratio "$(median ours-optimal 1)" "$(median pigz 1)")x (target <= 0.5), size $(ratio "$(median ours-optimal 5)" "$(median pigz 5)")x (target <= 1.05), CPU $(ratio "$(cpu ours-optimal)" "$(cpu pigz)")x"
echo "Fastest vs pigz -1: wall $(ratio "$(median ours-fastest 1)" "$(median pigz-1 1)")x (target <= 0.5), size $(ratio "$(median ours-fastest 5)" "$(median pigz-1 5)")x, CPU $(ratio "$(cpu ours-fastest)" "$(cpu pigz-1)")x"
echo "directory vs cp -a: wall $(ratio "$(median ours-directory 1)" "$(median cp-a 1)")x; vs cp -a + sha256sum: $(ratio "$(median ours-directory 1)" "$(median cp-a-sha256sum 1)")x"
echo "packing memory (peak RSS over a one-file run's peak of $(( $(peak_kb ours-optimal-1file) / 1024 )) MiB, target <= 64 MiB): $(rss_growth ours-optimal-100mb) MiB at $(du -sm "$small" | cut -f1) MB, $(rss_growth ours-optimal) MiB at $(du -sm "$corpus" | cut -f1) MB"
echo "  (peak RSS over the RSS at the start of main: $(rss_growth_from_start ours-optimal-100mb) MiB at $(du -sm "$small" | cut -f1) MB, $(rss_growth_from_start ours-optimal) MiB at $(du -sm "$corpus" | cut -f1) MB)"
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" -v c="$cores" 'BEGIN {exit !(l > c / 2)}'; then
  echo "note: load average $load on $cores cores: other processes share these cores, so wall times depend on the scheduler; CPU ratios do not"
fi

if [[ $quick == true ]]; then
  exit 0
fi

echo
dotnet_loop

echo
rm -f "$work/packages/.packed"
whole_build "$corpus" build true
whole_build "$small" build100 false
