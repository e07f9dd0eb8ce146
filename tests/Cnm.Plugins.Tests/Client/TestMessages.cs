using System.Text.Json.Serialization;
using Cnm.Protocol;

namespace Cnm.Plugins.Tests.Client;

/// <summary>A network-style response: errors in <c>Err</c>.</summary>
public sealed record NetReply([property: JsonPropertyName("Value")] int Value, [property: JsonPropertyName("Err")] string? Err)
    : IErrorResponse
{
    string? IErrorResponse.ErrorText => Err;
}

/// <summary>An IPAM-style response: errors in <c>Error</c>.</summary>
public sealed record IpamReply([property: JsonPropertyName("PoolID")] string? PoolID, [property: JsonPropertyName("Error")] string? Error)
    : IErrorResponse
{
    string? IErrorResponse.ErrorText => Error;
}

public sealed record Ask([property: JsonPropertyName("NetworkID")] string NetworkID, [property: JsonPropertyName("Blob")] string? Blob = null);

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(NetReply))]
[JsonSerializable(typeof(IpamReply))]
[JsonSerializable(typeof(Ask))]
public sealed partial class TestJsonContext : JsonSerializerContext;
