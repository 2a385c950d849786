using System.Net.Sockets;
using System.Text;

namespace VolumePlugin;

/// <summary>
/// A small HTTP/1.1 server on a unix stream socket, serving just what Docker's plugin client
/// sends: POST requests with a Content-Length body, several on one kept-alive connection.
/// Anything else gets an error answer and the connection is closed. Each connection is served
/// on its own task, so a slow client does not hold up Docker's other calls.
/// </summary>
public sealed class PluginServer(string socketPath, Func<string, byte[], PluginResponse> handle, TextWriter log)
{
    private const int MaxBodyBytes = 1 << 20;
    private const int MaxHeadLineBytes = 8192;

    /// <summary>Listens until <paramref name="stop"/> is cancelled; <paramref name="listening"/> is called once the socket accepts connections.</summary>
    public async Task RunAsync(CancellationToken stop, Action? listening = null)
    {
        // A socket file left by an earlier run would make Bind fail with "address in use".
        File.Delete(socketPath);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen();
        log.WriteLine($"listening on {socketPath}");
        listening?.Invoke();
        try
        {
            while (true)
            {
                var connection = await listener.AcceptAsync(stop);
                _ = ServeAsync(connection, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            log.WriteLine("stopping");
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    private async Task ServeAsync(Socket connection, CancellationToken stop)
    {
        try
        {
            using var stream = new NetworkStream(connection, ownsSocket: true);
            var reader = new RequestReader(stream);
            while (await ServeOneAsync(reader, stream, stop))
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The client went away or the plugin is stopping: nothing to answer.
        }
    }

    /// <summary>Reads one request and answers it; false when the connection is to be closed.</summary>
    private async Task<bool> ServeOneAsync(RequestReader reader, Stream stream, CancellationToken stop)
    {
        var requestLine = await reader.ReadLineAsync(stop);
        if (requestLine is null)
        {
            return false; // closed between requests, as a client does when it is done
        }

        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            await AnswerErrorAsync(stream, 400, $"not an HTTP/1.x request line: {requestLine}", stop);
            return false;
        }

        var (method, path, version) = (parts[0], parts[1], parts[2]);
        var contentLength = 0;
        var keepAlive = version == "HTTP/1.1";
        while (await reader.ReadLineAsync(stop) is { Length: > 0 } header)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = colon < 0 ? (header, "") : (header[..colon].Trim(), header[(colon + 1)..].Trim());
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, null, out contentLength) || contentLength > MaxBodyBytes)
                {
                    await AnswerErrorAsync(stream, 400, $"Content-Length must be a number of bytes up to {MaxBodyBytes}, not {value}", stop);
                    return false;
                }
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                await AnswerErrorAsync(stream, 501, "send the body with a Content-Length; Transfer-Encoding is not supported", stop);
                return false;
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && value.Equals("close", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = false;
            }
        }

        var body = await reader.ReadBodyAsync(contentLength, stop);
        PluginResponse response;
        try
        {
            response = method == "POST"
                ? handle(path, body)
                : ErrorResponseOf(405, $"{method} is not supported; the plugin protocol uses POST");
        }
        catch (Exception e)
        {
            // A defect in a handler: tell Docker and the log, and keep serving the other calls.
            log.WriteLine($"{method} {path} failed: {e}");
            response = ErrorResponseOf(500, $"internal error: {e.Message}");
        }

        log.WriteLine($"{method} {path} {response.StatusCode}");
        await AnswerAsync(stream, response, keepAlive, stop);
        return keepAlive;
    }

    private static Task AnswerErrorAsync(Stream stream, int status, string message, CancellationToken stop) =>
        AnswerAsync(stream, ErrorResponseOf(status, message), keepAlive: false, stop);

    private static PluginResponse ErrorResponseOf(int status, string message) =>
        new(status, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(message), Json.Default.ErrorResponse));

    private static async Task AnswerAsync(Stream stream, PluginResponse response, bool keepAlive, CancellationToken stop)
    {
        var head = $"HTTP/1.1 {response.StatusCode} {ReasonPhrase(response.StatusCode)}\r\n"
            + $"Content-Type: {PluginApi.ContentType}\r\n"
            + $"Content-Length: {response.Body.Length}\r\n"
            + (keepAlive ? "" : "Connection: close\r\n")
            + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop);
        await stream.WriteAsync(response.Body, stop);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        501 => "Not Implemented",
        _ => "Internal Server Error",
    };

    /// <summary>Reads a request's head line by line, then its body, through one buffer.</summary>
    private sealed class RequestReader(Stream stream)
    {
        private readonly byte[] buffer = new byte[MaxHeadLineBytes];
        private int start;
        private int end;

        /// <summary>The next line without its line end, or null when the stream ends before one starts.</summary>
        public async Task<string?> ReadLineAsync(CancellationToken stop)
        {
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                if (newline >= 0)
                {
                    var line = Encoding.ASCII.GetString(buffer, start, newline - start).TrimEnd('\r');
                    start = newline + 1;
                    return line;
                }

                // Move what is left to the front, to make room for more.
                Array.Copy(buffer, start, buffer, 0, end - start);
                (start, end) = (0, end - start);
                if (end == buffer.Length)
                {
                    throw new IOException($"a request line or header is longer than {MaxHeadLineBytes} bytes");
                }

                var read = await stream.ReadAsync(buffer.AsMemory(end), stop);
                if (read == 0)
                {
                    return end == 0 ? null : throw new IOException("the connection ended inside a request");
                }

                end += read;
            }
        }

        public async Task<byte[]> ReadBodyAsync(int length, CancellationToken stop)
        {
            var body = new byte[length];
            var buffered = Math.Min(length, end - start);
            Array.Copy(buffer, start, body, 0, buffered);
            start += buffered;
            await stream.ReadExactlyAsync(body.AsMemory(buffered), stop);
            return body;
        }
    }
}
