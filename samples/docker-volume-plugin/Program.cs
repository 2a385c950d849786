// A Docker volume plugin: serves Docker's volume plugin protocol on the socket config.json names,
// keeping each volume as a folder below the propagated mount.
using System.Runtime.InteropServices;
using VolumePlugin;

// interface.socket in config.json, in the folder Docker binds at /run/docker/plugins.
const string SocketPath = "/run/docker/plugins/volume.sock";

// Below propagatedMount (/data) in config.json: Docker binds the host's
// /var/lib/docker/plugins/<id>/propagated-mount there, and maps every path under /data that the
// plugin answers to that host folder before binding it into a container.
const string VolumeRoot = "/data/volumes";

using var stop = new CancellationTokenSource();
// `docker plugin disable` sends SIGTERM: stop listening and remove the socket.
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

var api = new PluginApi(new VolumeDriver(VolumeRoot));
await new PluginServer(SocketPath, api.Handle, Console.Out).RunAsync(stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
