using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using VolumePlugin;

namespace OciBundle.EndToEnd.Tests;

/// <summary>
/// The volume plugin sample's code (samples/docker-volume-plugin) without Docker: the driver's
/// rules on a temporary folder, the protocol's answers, and the HTTP server on a real unix
/// socket. PluginTests runs the same code as a bundle under runc and Docker.
/// </summary>
public sealed class VolumePluginTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("ocib-volume-").FullName;

    private string Root => Path.Combine(_temp, "volumes");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Body(PluginResponse response) => Encoding.UTF8.GetString(response.Body);

    private static string Err(PluginResponse response)
    {
        using var document = JsonDocument.Parse(response.Body);
        return document.RootElement.GetProperty("Err").GetString()!;
    }

    [Fact]
    public void A_volume_is_a_folder_below_the_root_and_its_folder_is_its_mount_point()
    {
        var driver = new VolumeDriver(Root);
        driver.Create("vol-1", options: null);
        driver.Create("vol-1", new Dictionary<string, string>()); // again: Docker may repeat a create

        var folder = Path.Combine(Root, "vol-1");
        Assert.True(Directory.Exists(folder));
        Assert.Equal(folder, driver.Mount("vol-1", "container-a"));
        Assert.Equal(folder, driver.Path("vol-1"));
        Assert.Equal(new VolumeInfo("vol-1", folder), driver.Get("vol-1"));
    }

    [Fact]
    public void The_folders_are_the_state_so_a_restarted_driver_lists_the_volumes_and_nothing_else()
    {
        new VolumeDriver(Root).Create("b", null);
        new VolumeDriver(Root).Create("a.2", null);
        Directory.CreateDirectory(Path.Combine(Root, ".hidden")); // no volume has such a name
        File.WriteAllText(Path.Combine(Root, "file"), "");

        var restarted = new VolumeDriver(Root);

        Assert.Equal([new VolumeInfo("a.2", Path.Combine(Root, "a.2")), new VolumeInfo("b", Path.Combine(Root, "b"))], restarted.List());
    }

    [Fact]
    public void A_volume_in_use_is_not_removed_and_a_removed_volume_takes_its_files_with_it()
    {
        var driver = new VolumeDriver(Root);
        driver.Create("data", null);
        File.WriteAllText(Path.Combine(Root, "data", "f"), "hi");
        // A link inside a volume is removed itself; what it points to stays.
        var outside = Path.Combine(_temp, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep"), "");
        File.CreateSymbolicLink(Path.Combine(Root, "data", "link"), outside);
        driver.Mount("data", "a");
        driver.Mount("data", "b");

        Assert.Equal("volume data is in use by 2 container(s)", Assert.Throws<VolumeException>(() => driver.Remove("data")).Message);
        driver.Unmount("data", "a");
        driver.Unmount("data", "a"); // repeated: no error
        Assert.Throws<VolumeException>(() => driver.Remove("data"));
        driver.Unmount("data", "b");
        driver.Remove("data");

        Assert.False(Directory.Exists(Path.Combine(Root, "data")));
        Assert.True(File.Exists(Path.Combine(outside, "keep")));
        Assert.Equal("no such volume: data", Assert.Throws<VolumeException>(() => driver.Remove("data")).Message);
        Assert.Equal("no such volume: data", Assert.Throws<VolumeException>(() => driver.Mount("data", "c")).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("/abs")]
    [InlineData(".hidden")]
    [InlineData("-dash")]
    [InlineData("new\nline")]
    [InlineData("trailing\n")]
    [InlineData("spa ce")]
    [InlineData("ü")]
    public void A_name_that_is_not_one_plain_folder_name_is_refused_by_every_call(string name)
    {
        var driver = new VolumeDriver(Root);
        var calls = new Action[]
        {
            () => driver.Create(name, null), () => driver.Remove(name), () => driver.Mount(name, "id"),
            () => driver.Unmount(name, "id"), () => driver.Path(name), () => driver.Get(name),
        };

        Assert.All(calls, call => Assert.StartsWith("invalid volume name", Assert.Throws<VolumeException>(call).Message, StringComparison.Ordinal));
        Assert.Equal([Root], Directory.GetFileSystemEntries(_temp));
        Assert.Empty(Directory.GetFileSystemEntries(Root));
    }

    [Fact]
    public void Names_are_held_to_the_local_drivers_rule_up_to_the_longest_folder_name()
    {
        Assert.True(VolumeDriver.IsValidName("a"));
        Assert.True(VolumeDriver.IsValidName("Vol_1.2-3"));
        Assert.True(VolumeDriver.IsValidName(new string('x', 255)));
        Assert.False(VolumeDriver.IsValidName(new string('x', 256)));
    }

    [Fact]
    public void Options_are_refused_by_name_because_the_driver_has_none()
    {
        var driver = new VolumeDriver(Root);
        var error = Assert.Throws<VolumeException>(() => driver.Create("v", new Dictionary<string, string> { ["size"] = "1G", ["o"] = "x" }));
        Assert.Equal("this driver takes no options, but got: o, size", error.Message);
        Assert.False(Directory.Exists(Path.Combine(Root, "v")));
    }

    [Fact]
    public void The_protocol_answers_each_call_in_Dockers_field_names()
    {
        var api = new PluginApi(new VolumeDriver(Root));
        var folder = Path.Combine(Root, "v1");
        var json = JsonSerializer.Serialize(folder);

        Assert.Equal("""{"Implements":["VolumeDriver"]}""", Body(api.Handle("/Plugin.Activate", [])));
        Assert.Equal("""{"Capabilities":{"Scope":"local"}}""", Body(api.Handle("/VolumeDriver.Capabilities", "{}"u8.ToArray())));
        Assert.Equal("""{"Err":""}""", Body(api.Handle("/VolumeDriver.Create", """{"Name":"v1","Opts":{}}"""u8.ToArray())));
        Assert.Equal($$"""{"Mountpoint":{{json}}}""", Body(api.Handle("/VolumeDriver.Mount", """{"Name":"v1","ID":"abc"}"""u8.ToArray())));
        Assert.Equal($$"""{"Mountpoint":{{json}}}""", Body(api.Handle("/VolumeDriver.Path", """{"Name":"v1"}"""u8.ToArray())));
        Assert.Equal($$$"""{"Volume":{"Name":"v1","Mountpoint":{{{json}}}}}""", Body(api.Handle("/VolumeDriver.Get", """{"Name":"v1"}"""u8.ToArray())));
        Assert.Equal($$"""{"Volumes":[{"Name":"v1","Mountpoint":{{json}}}]}""", Body(api.Handle("/VolumeDriver.List", "{}"u8.ToArray())));
        Assert.Equal("""{"Err":""}""", Body(api.Handle("/VolumeDriver.Unmount", """{"Name":"v1","ID":"abc"}"""u8.ToArray())));
        Assert.Equal("""{"Err":""}""", Body(api.Handle("/VolumeDriver.Remove", """{"name":"v1"}"""u8.ToArray()))); // any case, as Go reads it
        Assert.False(Directory.Exists(folder));
    }

    [Theory]
    [InlineData("/VolumeDriver.Get", """{"Name":"nope"}""", 500, "no such volume: nope")]
    [InlineData("/VolumeDriver.Create", """{"Name":"../x"}""", 500, "invalid volume name")]
    [InlineData("/VolumeDriver.Create", """{"Name":"x","Opts":{"size":"1"}}""", 500, "this driver takes no options, but got: size")]
    [InlineData("/VolumeDriver.Create", """{"Opts":{}}""", 400, "the request body is not the JSON this call takes")]
    [InlineData("/VolumeDriver.Create", """{"Name":null}""", 400, "the request body is not the JSON this call takes")]
    [InlineData("/VolumeDriver.Mount", """{"Name":"x"}""", 400, "the request body is not the JSON this call takes")]
    [InlineData("/VolumeDriver.Remove", "not json", 400, "the request body is not the JSON this call takes")]
    [InlineData("/VolumeDriver.Remove", "", 400, "the request body is not the JSON this call takes")]
    [InlineData("/VolumeDriver.Remove", "null", 400, "the request body is null")]
    [InlineData("/NetworkDriver.Create", "{}", 404, "/NetworkDriver.Create is not a call of this plugin")]
    public void A_failure_is_answered_with_Err_and_a_status_that_says_whose_fault_it_is(string path, string body, int status, string message)
    {
        var response = new PluginApi(new VolumeDriver(Root)).Handle(path, Encoding.UTF8.GetBytes(body));

        Assert.Equal(status, response.StatusCode);
        Assert.StartsWith(message, Err(response), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Root));
    }

    [Fact]
    public async Task The_server_speaks_HTTP_on_a_unix_stream_socket_to_concurrent_clients_and_removes_its_socket_when_stopped()
    {
        var socket = Path.Combine(_temp, "volume.sock");
        var log = new StringWriter();
        using var stop = new CancellationTokenSource();
        var listening = new TaskCompletionSource();
        var server = new PluginServer(socket, new PluginApi(new VolumeDriver(Root)).Handle, TextWriter.Synchronized(log));
        var running = Task.Run(() => server.RunAsync(stop.Token, listening.SetResult));
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));

        using (var client = new PluginClient(socket))
        {
            var (status, body, contentType) = await client.PostAsync("/Plugin.Activate");
            Assert.Equal((200, "application/vnd.docker.plugins.v1.2+json"), (status, contentType));
            Assert.Equal("VolumeDriver", body.GetProperty("Implements")[0].GetString());

            // Docker's calls come on several connections at once.
            var creates = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => client.PostAsync("/VolumeDriver.Create", $$"""{"Name":"v{{i}}"}""")));
            Assert.All(creates, c => Assert.Equal(200, c.Status));
            var (_, list, _) = await client.PostAsync("/VolumeDriver.List");
            Assert.Equal(16, list.GetProperty("Volumes").GetArrayLength());

            var (missing, error, _) = await client.PostAsync("/VolumeDriver.Get", """{"Name":"nope"}""");
            Assert.Equal((500, "no such volume: nope"), (missing, error.GetProperty("Err").GetString()));
        }

        // What the HttpClient above never sends: other methods and chunked bodies.
        Assert.StartsWith("HTTP/1.1 405 ", Raw(socket, "GET /Plugin.Activate HTTP/1.1\r\nHost: plugin\r\nConnection: close\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 501 ", Raw(socket, "POST /VolumeDriver.List HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400 ", Raw(socket, "nonsense\r\n\r\n"), StringComparison.Ordinal);
        var twoInOne = Raw(socket, "POST /Plugin.Activate HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}POST /VolumeDriver.Capabilities HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        Assert.Contains("Implements", twoInOne, StringComparison.Ordinal);
        Assert.EndsWith("""{"Capabilities":{"Scope":"local"}}""", twoInOne, StringComparison.Ordinal);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(File.Exists(socket));
        Assert.Contains("POST /VolumeDriver.Create 200", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_defect_in_a_handler_is_answered_with_500_and_the_server_keeps_serving()
    {
        var socket = Path.Combine(_temp, "volume.sock");
        using var stop = new CancellationTokenSource();
        var listening = new TaskCompletionSource();
        var calls = 0;
        var server = new PluginServer(
            socket,
            (_, _) => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : new PluginResponse(200, "{}"u8.ToArray()),
            TextWriter.Null);
        var running = Task.Run(() => server.RunAsync(stop.Token, listening.SetResult));
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));

        using (var client = new PluginClient(socket))
        {
            var (status, body, _) = await client.PostAsync("/VolumeDriver.List");
            Assert.Equal((500, "internal error: boom"), (status, body.GetProperty("Err").GetString()));
            Assert.Equal(200, (await client.PostAsync("/VolumeDriver.List")).Status);
        }

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Sends <paramref name="request"/> as it is and reads until the server closes the connection.</summary>
    private static string Raw(string socketPath, string request)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        socket.ReceiveTimeout = 20_000;
        socket.Send(Encoding.ASCII.GetBytes(request));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return reader.ReadToEnd();
    }
}
