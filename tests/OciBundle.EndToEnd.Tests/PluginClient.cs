using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OciBundle.EndToEnd.Tests;

/// <summary>Talks to a plugin's unix socket the way Docker does: HTTP/1.1 POSTs with JSON bodies, on kept-alive connections.</summary>
internal sealed class PluginClient : IDisposable
{
    private readonly HttpClient _http;

    public PluginClient(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://plugin"), Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task<(int Status, JsonElement Body, string? ContentType)> PostAsync(string path, string json = "{}")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.docker.plugins.v1.2+json");
        using var response = await _http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return ((int)response.StatusCode, document.RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => _http.Dispose();
}
