#!/usr/bin/env bash
# Lets this x64 machine run arm64 programs (the arm64 end-to-end test runs its bundle under runc
# with them): qemu-user-static's aarch64 handler registered with binfmt_misc. Debian's package
# registers it only through update-binfmts or systemd-binfmt with binfmt_misc mounted; a CI
# sandbox has neither, so this mounts binfmt_misc if it is not and registers the package's own
# line. The F flag makes the kernel open the interpreter now, so it works inside containers too.
# Fails (and the test then says why it only checks ELF machines) where the kernel does not allow it.
set -euo pipefail
binfmt=/proc/sys/fs/binfmt_misc
[ -e "$binfmt/qemu-aarch64" ] && exit 0
[ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt"
grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf > "$binfmt/register"
echo "qemu-aarch64 registered: $(head -n 2 "$binfmt/qemu-aarch64" | tr '\n' ' ')"
