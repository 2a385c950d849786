#!/usr/bin/env bash
# The safety net of a refactoring that must not change behaviour (issue 14): builds the package at
# two commits, builds the same projects with each (the samples and a set of end-to-end-style
# projects written below: kitchen-sink settings, privileged, rootless, a base archive, a folder
# rootfs, an archive, plugins (every kind of setting, host network, every rule's finding), arm64, a seccomp file, projects with errors and warnings), and
# compares every output byte and every OCIB line the builds log.
#   build/compare-outputs.sh OLD_COMMIT [NEW_COMMIT]      NEW defaults to HEAD
#   COMPARE_WORK=/tmp/dir build/compare-outputs.sh …       scratch folder (default /tmp/compare-outputs)
# Prints one line per project and "PASS" or "FAIL" last; exits 1 on any difference.
# Run a copy of it from the repository (bash /tmp/copy.sh …) if you edit the tree meanwhile: bash reads
# a script as it goes.
# Both sides build in the same project folders (bin/obj removed between them), so paths logged
# and recorded are the same; gzip bytes depend on the runtime's zlib, so same machine, same bytes.
set -euo pipefail
root=$(git rev-parse --show-toplevel 2>/dev/null || (cd "$(dirname "$0")/.." && pwd))
old=$(git -C "$root" rev-parse --verify "${1:?usage: compare-outputs.sh OLD_COMMIT [NEW_COMMIT]}^{commit}")
new=$(git -C "$root" rev-parse --verify "${2:-HEAD}^{commit}")
work=${COMPARE_WORK:-/tmp/compare-outputs}
rm -rf "$work"
mkdir -p "$work"
chmod 755 "$work"
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SOURCE_DATE_EPOCH=
export NUGET_PACKAGES="$work/nuget-packages"
busybox=/bin/busybox

# ---- the projects, written once and built by both sides ------------------------------------
projects="$work/projects"
mkdir -p "$projects"
for sample in "$root"/samples/*/; do
  name=$(basename "$sample")
  [[ -n $(find "$sample" -maxdepth 1 -name '*.*proj') ]] || continue
  cp -r "$sample" "$projects/$name"
done
cat >"$projects/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="ocibundle-under-test" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
EOF
echo '<Project />' >"$projects/Directory.Build.props"

# A busybox project: $1 name, $2 extra properties, $3 extra items.
busybox_project() {
  mkdir -p "$projects/$1"
  printf '#!/bin/sh\necho "hello $*"\n' >"$projects/$1/hello.sh"
  chmod 755 "$projects/$1/hello.sh"
  cat >"$projects/$1/$1.proj" <<EOF
<Project Sdk="Microsoft.Build.NoTargets/3.7.0">
  <Sdk Name="OciBundle.Sdk" Version="0.1.0" />
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    $2
  </PropertyGroup>
  <ItemGroup>
    <OciRootfsFile Include="$busybox" TargetPath="/bin/busybox" Mode="0755" />
    <_Applet Include="sh;cat;echo;env;id;ls" />
    <OciRootfsSymlink Include="@(_Applet->'/bin/%(Identity)')" LinkTarget="busybox" />
    <OciRootfsFile Include="hello.sh" TargetPath="/usr/local/bin/hello" />
    <OciRootfsDirectory Include="/tmp" Mode="1777" />
    <OciEntrypoint Include="/usr/local/bin/hello" />
    <OciArgs Include="world" />
    <OciEnvironmentVariable Include="GREETING" Value="Hello" />
    $3
  </ItemGroup>
</Project>
EOF
}

busybox_project defaults "" ""
busybox_project kitchen-sink '
    <OciBundleName>kitchen</OciBundleName>
    <OciSourceDateEpoch>1767225600</OciSourceDateEpoch>
    <OciSpecVersion>1.2.0</OciSpecVersion>
    <OciWorkingDirectory>/tmp</OciWorkingDirectory>
    <OciUser>1000:1000</OciUser>
    <OciHostname>web-1</OciHostname>
    <OciTerminal>true</OciTerminal>
    <OciNoNewPrivileges>false</OciNoNewPrivileges>
    <OciRootfsReadonly>true</OciRootfsReadonly>
    <OciUmask>0027</OciUmask>
    <OciOomScoreAdj>500</OciOomScoreAdj>
    <OciApparmorProfile>docker-default</OciApparmorProfile>
    <OciSelinuxLabel>system_u:system_r:container_t:s0:c1,c2</OciSelinuxLabel>
    <OciMountLabel>system_u:object_r:container_file_t:s0:c1,c2</OciMountLabel>
    <OciRootfsPropagation>shared</OciRootfsPropagation>
    <OciMemoryLimit>256Mi</OciMemoryLimit>
    <OciMemoryReservation>128Mi</OciMemoryReservation>
    <OciMemorySwap>512Mi</OciMemorySwap>
    <OciCpus>1.5</OciCpus>
    <OciCpuShares>512</OciCpuShares>
    <OciCpusetCpus>0-3,5</OciCpusetCpus>
    <OciCpusetMems>0</OciCpusetMems>
    <OciPidsLimit>100</OciPidsLimit>
    <OciBlockIOWeight>500</OciBlockIOWeight>
    <OciRootfsCompressionLevel>SmallestSize</OciRootfsCompressionLevel>' '
    <OciAdditionalGroup Include="27" />
    <OciRlimit Include="RLIMIT_NOFILE" Soft="4096" Hard="8192" />
    <OciRlimit Include="core" Hard="unlimited" />
    <OciCapability Include="CAP_SYS_ADMIN;sys_ptrace" />
    <OciCapability Remove="CAP_NET_RAW" />
    <OciMaskedPath Include="/proc/config.gz" />
    <OciMaskedPath Remove="/proc/interrupts" />
    <OciReadonlyPath Remove="/proc/sys" />
    <OciMount Include="/data" Source="/srv/app-data" Mode="rw" />
    <OciMount Include="/dev/shm" Type="tmpfs" Source="shm" Options="nosuid,noexec,nodev,mode=1777,size=262144k" />
    <OciDevice Include="/dev/fuse" />
    <OciDevice Include="/dev/sdb" Type="b" Major="8" Minor="16" FileMode="0660" Gid="6" Access="rw" />
    <OciSysctl Include="net.ipv4.ip_unprivileged_port_start" Value="0" />
    <OciSysctl Include="net/core/somaxconn" Value="1024" />
    <OciAnnotation Include="com.example.team" Value="payments" />
    <OciHook Include="/usr/local/bin/cleanup" Stage="poststop" />
    <OciHook Include="/usr/local/bin/setup-net" Stage="createRuntime" Args="--bridge br0" Env="LOG_LEVEL=debug;MODE=strict" Timeout="10" />
    <OciRootfsDirectory Include="/var/lib/app" Mode="0750" Uid="1000" Gid="1000" />'
busybox_project privileged '<OciPrivileged>true</OciPrivileged><OciNetworkMode>host</OciNetworkMode><OciHostIpc>true</OciHostIpc><OciHostPid>true</OciHostPid>' ''
busybox_project rootless '<OciRootless>true</OciRootless><OciRootfsFormat>directory</OciRootfsFormat>' ''
busybox_project spec-1.0.2 '<OciSpecVersion>1.0.2</OciSpecVersion>' ''
busybox_project userns '<OciUserNamespace>true</OciUserNamespace><OciAllowAllDevices>true</OciAllowAllDevices>' '
    <OciUidMapping Include="0" HostID="100000" Size="65536" />
    <OciGidMapping Include="0" HostID="100000" Size="65536" />
    <OciNamespace Include="network" Path="/var/run/netns/blue" />'
busybox_project archive '<OciBundleArchivePath>$(MSBuildProjectDirectory)/bin/out/bundle.tar.gz</OciBundleArchivePath><OciRootfsFormat>tar</OciRootfsFormat><OciCpuQuota>50000</OciCpuQuota><OciCpuPeriod>100000</OciCpuPeriod>' ''
busybox_project seccomp-file '<OciSeccompProfile>strict.json</OciSeccompProfile>' ''
cat >"$projects/seccomp-file/strict.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ERRNO",
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [
    { "names": ["read", "write", "exit", "exit_group", "execve", "brk", "mmap", "openat", "close"], "action": "SCMP_ACT_ALLOW" }
  ]
}
EOF
busybox_project base-archive '<OciBaseRootfs>base.tar.gz</OciBaseRootfs>' ''
base="$work/base-tree"
mkdir -p "$base/etc" "$base/usr/share/doc"
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n' >"$base/etc/passwd"
printf 'root:x:0:\napp:x:1000:\n' >"$base/etc/group"
printf 'a base file\n' >"$base/usr/share/doc/readme"
ln -s readme "$base/usr/share/doc/link"
tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -czf "$projects/base-archive/base.tar.gz" -C "$base" .
busybox_project arm64 '<OciTargetArchitecture>arm64</OciTargetArchitecture>' ''
busybox_project errors '<OciMemoryLimit>lots</OciMemoryLimit><OciCpus>-1</OciCpus><OciSpecVersion>0.9</OciSpecVersion><OciHostname>bad host</OciHostname><OciMemoryLimt>1Gi</OciMemoryLimt>' '
    <OciCapability Include="CAP_NOPE" />
    <OciMount Include="relative" Source="x" Mod="ro" />
    <OciRlimit Include="RLIMIT_NOFILE" Soft="9" Hard="1" />
    <OciSysctl Include="kernel.unknown" Value="1" />'
busybox_project rule-errors '<OciMemoryLimit>128Mi</OciMemoryLimit><OciMemoryReservation>256Mi</OciMemoryReservation><OciHostname>h</OciHostname>' '
    <OciNamespace Remove="uts" />
    <OciSysctl Include="net.core.somaxconn" Value="1" />
    <OciEntrypoint Remove="@(OciEntrypoint)" />
    <OciEntrypoint Include="/no/such/program" />'
# Plugins: one with every kind of plugin setting (a plugin config file under the project's
# items), one sharing the host's network, and one that every plugin rule refuses.
busybox_project plugin-rich '<OciBundleFormat>Both</OciBundleFormat><OciPluginConfig>plugin.json</OciPluginConfig><OciDescription>A rich plugin</OciDescription><OciWorkingDirectory>/tmp</OciWorkingDirectory><OciHostIpc>true</OciHostIpc><OciAllowAllDevices>true</OciAllowAllDevices><Version>1.2.3</Version><Company>Acme</Company><Authors>Jane Doe</Authors>' '
    <OciRootfsDirectory Include="/run/docker/plugins;/mnt/volumes" />
    <OciEnvironmentVariable Include="DEBUG" Settable="value" Description="debug level" />
    <OciEnvironmentVariable Include="GREETING" Value="Hi" Settable="value" />
    <OciMount Include="/data" Name="data" Settable="source" Description="where the data lives" Type="bind" Options="rbind" />
    <OciMount Include=" /cache " Name="cache" Source="/var/cache/plugin" Settable="source" />
    <OciDevice Include="/dev/fuse" Name="fuse" Settable="path" Description="FUSE" />
    <OciArgs Update="world" Name="who" Settable="value" Description="whom to greet" />'
cat >"$projects/plugin-rich/plugin.json" <<'EOF'
{
  "Description": "from the file",
  "Documentation": "https://example.com/docs",
  "Entrypoint": ["/usr/local/bin/hello"],
  "Interface": { "Socket": "rich.sock", "Types": ["docker.volumedriver/1.0", "docker.volumedriver/1.0"], "ProtocolScheme": "moby.plugins.http/v1" },
  "Network": { "Type": "bridge" },
  "PropagatedMount": "/mnt/volumes/",
  "Env": [{ "Name": "LEVEL", "Value": "3", "Settable": ["value"], "Description": "log level" }, { "Name": "GREETING", "Value": "Hello" }],
  "Args": { "Name": "args", "Description": "extra", "Settable": ["value"], "Value": ["a", "b"] },
  "Mounts": [{ "Name": "state", "Destination": "/state", "Source": "/var/lib/state", "Type": "bind", "Options": ["rbind"], "Settable": ["source"] }],
  "Linux": { "Capabilities": ["CAP_SYS_ADMIN"], "Devices": [{ "Name": "tun", "Path": "/dev/net/tun", "Settable": ["path"] }] }
}
EOF
busybox_project plugin-host '<OciBundleFormat>Both</OciBundleFormat><OciNetworkMode>Host</OciNetworkMode><OciHostPid>true</OciHostPid><OciPluginSocket>h.sock</OciPluginSocket><OciPluginRuntimeSource>/run/h</OciPluginRuntimeSource>' '
    <OciPluginInterface Include="docker.logdriver/1.0" />
    <OciRootfsDirectory Include="/run/docker/plugins" />'
busybox_project plugin-errors '<OciBundleFormat>DockerPlugin</OciBundleFormat><OciPluginSocket>a/b.sock</OciPluginSocket><OciPluginProtocolScheme>grpc</OciPluginProtocolScheme><OciPropagatedMount>relative</OciPropagatedMount>' '
    <OciPluginInterface Include="docker.volumedriver/1.0;docker.bogus/1.0;nonsense" />
    <OciMount Include="/m1" Name="x.y" Type="tmpfs" Options="nosuid" />
    <OciMount Include="/m2" Type="tmpfs" Source="tmpfs" Name="dup" Settable="value;source" />
    <OciMount Include="/m3" Type="tmpfs" Name="later" Settable="source" />
    <OciDevice Include="/dev/fuse" Name="dup" Settable="major" />
    <OciEnvironmentVariable Include="LEVEL" Value="1" Settable="path" />
    <OciCapability Remove="CAP_CHOWN;CAP_KILL" />
    <OciArgs Update="world" Name="my.args" Settable="name" />'
busybox_project plugin-no-interface '<OciBundleFormat>DockerPlugin</OciBundleFormat>' ''

mkdir -p "$projects/dotnet-framework"
cat >"$projects/dotnet-framework/dotnet-framework.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk">
  <Sdk Name="OciBundle.Sdk" Version="0.1.0" />
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <InvariantGlobalization>true</InvariantGlobalization>
    <OciAppDirectory>/srv/hello</OciAppDirectory>
    <OciUser>1000:1000</OciUser>
  </PropertyGroup>
</Project>
EOF
echo 'System.Console.WriteLine("hi");' >"$projects/dotnet-framework/Program.cs"

# ---- build one side ------------------------------------------------------------------------
build_side() { # $1 side name, $2 commit
  local side=$1 commit=$2 src="$work/src-$1" out="$work/out-$1"
  echo "== $side: $(git -C "$root" log -1 --format='%h %s' "$commit")"
  mkdir -p "$src" "$out"
  git -C "$root" archive "$commit" | tar -x -C "$src"
  rm -rf "$work/feed" "$NUGET_PACKAGES/ocibundle.sdk"
  dotnet pack "$src/src/OciBundle.Sdk/OciBundle.Sdk.csproj" -c Release -o "$work/feed" -nodeReuse:false -p:UseSharedCompilation=false >"$out/pack.log" 2>&1 \
    || { cat "$out/pack.log"; echo "FAIL: pack at $side"; exit 1; }
  for dir in "$projects"/*/; do
    local name
    name=$(basename "$dir")
    rm -rf "$dir/bin" "$dir/obj"
    local file
    file=$(find "$dir" -maxdepth 1 -name '*.*proj' | head -1)
    (cd "$dir" && dotnet build "$file" -t:GenerateOciBundle -nodeReuse:false -v:n -p:UseSharedCompilation=false >"$out/$name.log" 2>&1) && echo "exit 0" >"$out/$name.exit" || echo "exit $?" >"$out/$name.exit"
    # What the user sees of this SDK: every OCIB line and the "->" lines, without timings; not
    # OCIB5009, the progress of a long write, which says how far it got after each 5 seconds.
    grep -E 'OCIB[0-9]{4}|-> ' "$out/$name.log" | grep -v -e 'Time Elapsed' -e 'OCIB5009' | sed -E 's/^ +//; s/[0-9]+(\.[0-9]+)? ?(ms|s)\b/<t>/g' | sort -u >"$out/$name.lines" || true
    mkdir -p "$out/$name"
    if [[ -d "$dir/bin" ]]; then
      cp -a "$dir/bin/." "$out/$name/"
    fi
  done
}

build_side old "$old"
build_side new "$new"

# ---- compare ------------------------------------------------------------------------------
status=0
for dir in "$projects"/*/; do
  name=$(basename "$dir")
  problems=()
  cmp -s "$work/out-old/$name.exit" "$work/out-new/$name.exit" || problems+=("exit code $(cat "$work/out-old/$name.exit") → $(cat "$work/out-new/$name.exit")")
  cmp -s "$work/out-old/$name.lines" "$work/out-new/$name.lines" || problems+=("logged lines differ: diff $work/out-old/$name.lines $work/out-new/$name.lines")
  # Only the bundle outputs: what publish writes (apphost, dlls) is not ours and is rebuilt.
  bundles=$(cd "$work/out-old/$name" && find . \( -name 'oci-bundle' -o -name 'out' \) -type d | LC_ALL=C sort)
  bundles_new=$(cd "$work/out-new/$name" && find . \( -name 'oci-bundle' -o -name 'out' \) -type d | LC_ALL=C sort)
  [[ "$bundles" == "$bundles_new" ]] || problems+=("bundle folders differ: [$bundles] → [$bundles_new]")
  files=0
  for bundle in $bundles; do
    diff -q <(cd "$work/out-old/$name/$bundle" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort) \
      <(cd "$work/out-new/$name/$bundle" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort) >/dev/null \
      || problems+=("file list of $bundle differs")
    while IFS= read -r -d '' f; do
      files=$((files + 1))
      cmp -s "$work/out-old/$name/$bundle/$f" "$work/out-new/$name/$bundle/$f" || problems+=("$bundle/$f differs")
    done < <(cd "$work/out-old/$name/$bundle" && find . -type f -print0)
  done
  if [[ ${#problems[@]} -eq 0 ]]; then
    printf 'same  %-22s %s, %s files, %s OCIB/-> lines\n' "$name" "$(cat "$work/out-old/$name.exit")" "$files" "$(wc -l <"$work/out-old/$name.lines")"
  else
    status=1
    printf 'DIFF  %-22s\n' "$name"
    printf '        %s\n' "${problems[@]}"
  fi
done
if [[ $status -eq 0 ]]; then
  echo "PASS: outputs of ${old:0:7} and ${new:0:7} are byte-identical (work folder $work)"
else
  echo "FAIL: outputs of ${old:0:7} and ${new:0:7} differ (work folder $work)"
fi
exit $status
