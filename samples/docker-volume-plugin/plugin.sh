#!/bin/sh
# A stand-in volume plugin: it opens its unix socket where Docker looks for it and serves nothing.
# busybox has no `nc -lU`, but its syslogd binds a unix socket at /dev/log and follows a symbolic
# link there, so /dev/log (in the container's own /dev tmpfs) points at the plugin's socket.
set -e
socket=/run/docker/plugins/volume.sock
ln -sf "$socket" /dev/log
syslogd -n -O /dev/null &
tries=0
while ! test -S "$socket"; do
  tries=$((tries + 1))
  test "$tries" -lt 50 || { echo "no socket at $socket" >&2; exit 1; }
  usleep 100000
done
echo "listening on $socket"
if test "${RUN_SECONDS:-0}" -gt 0; then
  sleep "$RUN_SECONDS"
else
  while :; do sleep 3600; done
fi
