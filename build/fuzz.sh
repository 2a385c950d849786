#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser of untrusted input (docs/reliability.md#fuzzing):
#   build/fuzz.sh TARGET SECONDS
#     TARGET   archive | seccomp | plugin | elf | passwd | image
#     SECONDS  how long afl-fuzz runs
# Publishes fuzz/OciBundle.Fuzz, instruments OciBundle.dll (and SharpZipLib's bzip2 reader) with
# the SharpFuzz.CommandLine local tool (.config/dotnet-tools.json), runs Debian's afl-fuzz on the
# seeds in fuzz/corpus/TARGET, prints afl's figures, and copies every crashing input to
# artifacts/fuzz/crashes/TARGET/. Exits 1 when afl found a crash, 2 on a usage error.
# Environment: FUZZ_DIR (default artifacts/fuzz) holds the build, afl's output and the crashes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

targets="archive seccomp plugin elf passwd image sbom"
if [[ $# -ne 2 || " $targets " != *" $1 "* || ! $2 =~ ^[0-9]+$ ]]; then
  echo "usage: build/fuzz.sh {${targets// /|}} SECONDS" >&2
  exit 2
fi
target=$1
seconds=$2
work=${FUZZ_DIR:-$root/artifacts/fuzz}
seeds=$root/fuzz/corpus/$target
findings=$work/afl/$target
crashes=$work/crashes/$target

if ! command -v afl-fuzz >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  else
    echo "afl-fuzz is missing: apt-get install afl++" >&2
    exit 1
  fi
fi

# Build: publish, then instrument a copy (publishing again into an instrumented folder would
# keep the instrumented files whenever the sources did not change).
dotnet tool restore >/dev/null
dotnet publish fuzz/OciBundle.Fuzz -c Release -o "$work/publish" -nodeReuse:false -v:q -nologo >/dev/null
rm -rf "$work/bin" && cp -r "$work/publish" "$work/bin"
dotnet sharpfuzz "$work/bin/OciBundle.dll" >/dev/null
dotnet sharpfuzz "$work/bin/ICSharpCode.SharpZipLib.dll" ICSharpCode.SharpZipLib.BZip2 >/dev/null

# Each input is written to a fresh folder here: a tmpfs when there is one.
scratch_parent=/dev/shm
[[ -d $scratch_parent && -w $scratch_parent ]] || scratch_parent=${TMPDIR:-/tmp}
scratch=$(mktemp -d "$scratch_parent/ocib-fuzz-$target.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# afl-fuzz as a CI job: no UI, no CPU governor or core-dump pattern to fix (both are host
# settings a sandbox cannot change), no CPU pinning (the host is shared), and the managed
# binary has no native instrumentation for afl to find (SharpFuzz speaks afl's fork-server
# protocol itself). -m none: the .NET runtime reserves far more address space than it uses.
# -t: a run over 2 s is a hang. -G: inputs above FuzzTargets.MaxInputBytes are skipped anyway.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_SKIP_BIN_CHECK=1 AFL_FORKSRV_INIT_TMOUT=30000
export OCIB_FUZZ_SCRATCH=$scratch OCIB_FUZZ_WARMUP=$seeds
rm -rf "$findings" "$crashes"
mkdir -p "$(dirname "$findings")" "$crashes"
echo "fuzzing $target for ${seconds}s (seeds: fuzz/corpus/$target, afl output: $findings)"
afl-fuzz -i "$seeds" -o "$findings" -m none -t 2000 -G 65536 -V "$seconds" -- "$work/bin/OciBundle.Fuzz" "$target" >"$work/afl-$target.log" 2>&1 || {
  tail -n 30 "$work/afl-$target.log" >&2
  echo "afl-fuzz failed for $target (log: $work/afl-$target.log)" >&2
  exit 1
}

stats=$findings/default/fuzzer_stats
stat() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
echo "$target: $(stat execs_done) executions, $(stat execs_per_sec) exec/s, $(stat corpus_count) paths, $(stat edges_found) edges, stability $(stat stability), $(stat saved_crashes) crashes, $(stat saved_hangs) hangs, ${seconds}s"

# Every crashing input, copied out and replayed outside afl: its exception and the frame of ours
# it came through, one line per kind with a count (timeout: the replay exits with a status, no job message).
found=0
for input in "$findings"/default/crashes/id:*; do
  [[ -e $input ]] || continue
  found=$((found + 1))
  name=$(printf 'crash-%03d' "$found")
  cp "$input" "$crashes/$name"
  trace=$(timeout 60 "$work/bin/OciBundle.Fuzz" "$target" "$crashes/$name" 2>&1 || true)
  echo "$(grep -m 1 -oE '^Unhandled exception\. [A-Za-z.]+' <<<"$trace" | cut -d' ' -f3) $(grep -m 1 -oE 'at OciBundle\.[A-Za-z.]+' <<<"$trace" | grep -v 'OciBundle\.Fuzz' || true)" >>"$crashes/kinds"
done
if [[ $found -gt 0 ]]; then
  sort "$crashes/kinds" | uniq -c | sed 's/^/  /'
  echo "$target: $found crashing inputs in $crashes" >&2
  exit 1
fi
