using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace VolumePlugin;

/// <summary>An HTTP status and a JSON body, ready to send.</summary>
public sealed record PluginResponse(int StatusCode, byte[] Body);

/// <summary>
/// Docker's volume plugin protocol over a <see cref="VolumeDriver"/>: every call is an HTTP POST
/// to /Plugin.Activate or /VolumeDriver.* with a JSON body, answered with JSON. A failure is
/// answered with {"Err": "why"}, which Docker shows to the user.
/// </summary>
public sealed class PluginApi(VolumeDriver driver)
{
    /// <summary>The media type of every request and answer (protocol version 1.2).</summary>
    public const string ContentType = "application/vnd.docker.plugins.v1.2+json";

    public PluginResponse Handle(string path, byte[] body)
    {
        try
        {
            return path switch
            {
                "/Plugin.Activate" => Ok(new ActivateResponse(["VolumeDriver"]), Json.Default.ActivateResponse),
                "/VolumeDriver.Capabilities" => Ok(new CapabilitiesResponse(new Capabilities("local")), Json.Default.CapabilitiesResponse),
                "/VolumeDriver.Create" => Create(Read(body, Json.Default.CreateRequest)),
                "/VolumeDriver.Remove" => Remove(Read(body, Json.Default.NameRequest)),
                "/VolumeDriver.Mount" => Mount(Read(body, Json.Default.MountRequest)),
                "/VolumeDriver.Unmount" => Unmount(Read(body, Json.Default.MountRequest)),
                "/VolumeDriver.Path" => Ok(new MountpointResponse(driver.Path(Read(body, Json.Default.NameRequest).Name)), Json.Default.MountpointResponse),
                "/VolumeDriver.Get" => Ok(new GetResponse(driver.Get(Read(body, Json.Default.NameRequest).Name)), Json.Default.GetResponse),
                "/VolumeDriver.List" => Ok(new ListResponse(driver.List()), Json.Default.ListResponse),
                _ => Error(404, $"{path} is not a call of this plugin; it implements VolumeDriver"),
            };
        }
        catch (BadRequestException e)
        {
            return Error(400, e.Message);
        }
        catch (Exception e) when (e is VolumeException or IOException or UnauthorizedAccessException)
        {
            return Error(500, e.Message);
        }
    }

    private PluginResponse Create(CreateRequest request)
    {
        driver.Create(request.Name, request.Opts);
        return Done();
    }

    private PluginResponse Remove(NameRequest request)
    {
        driver.Remove(request.Name);
        return Done();
    }

    private PluginResponse Mount(MountRequest request) =>
        Ok(new MountpointResponse(driver.Mount(request.Name, request.ID)), Json.Default.MountpointResponse);

    private PluginResponse Unmount(MountRequest request)
    {
        driver.Unmount(request.Name, request.ID);
        return Done();
    }

    /// <summary>Success with nothing to say: an empty Err.</summary>
    private static PluginResponse Done() => Ok(new ErrorResponse(""), Json.Default.ErrorResponse);

    private static PluginResponse Ok<T>(T value, JsonTypeInfo<T> type) =>
        new(200, JsonSerializer.SerializeToUtf8Bytes(value, type));

    private static PluginResponse Error(int status, string message) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(message), Json.Default.ErrorResponse));

    /// <summary>The request body as <typeparamref name="T"/>; a body that is not that JSON object is the caller's mistake (400).</summary>
    private static T Read<T>(byte[] body, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw new BadRequestException("the request body is null, not a JSON object");
        }
        catch (JsonException e)
        {
            throw new BadRequestException($"the request body is not the JSON this call takes: {e.Message}");
        }
    }

    private sealed class BadRequestException(string message) : Exception(message);
}

// The messages, in the field names of Docker's protocol.
public sealed record ActivateResponse(IReadOnlyList<string> Implements);

public sealed record NameRequest(string Name);

public sealed record CreateRequest(string Name, Dictionary<string, string>? Opts = null);

public sealed record MountRequest(string Name, string ID);

public sealed record ErrorResponse(string Err);

public sealed record MountpointResponse(string Mountpoint);

public sealed record GetResponse(VolumeInfo Volume);

public sealed record ListResponse(IReadOnlyList<VolumeInfo> Volumes);

public sealed record Capabilities(string Scope);

public sealed record CapabilitiesResponse(Capabilities Capabilities);

/// <summary>
/// Source-generated JSON code: no reflection at run time, so trimming keeps what is needed.
/// Docker's Go client writes the field names as declared (Name, Opts, ID); reading ignores case
/// all the same, and a missing required field is a bad request, not a null.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ActivateResponse))]
[JsonSerializable(typeof(NameRequest))]
[JsonSerializable(typeof(CreateRequest))]
[JsonSerializable(typeof(MountRequest))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(MountpointResponse))]
[JsonSerializable(typeof(GetResponse))]
[JsonSerializable(typeof(ListResponse))]
[JsonSerializable(typeof(CapabilitiesResponse))]
internal sealed partial class Json : JsonSerializerContext;
