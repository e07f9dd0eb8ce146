using System.Text.Json.Serialization;
using Cnm.Protocol;

namespace Cnm.Benchmarks;

public sealed record BenchRequest([property: JsonPropertyName("NetworkID")] string NetworkID,
    [property: JsonPropertyName("EndpointID")] string EndpointID);

public sealed record BenchResponse([property: JsonPropertyName("Err")] string? Err) : IErrorResponse
{
    string? IErrorResponse.ErrorText => Err;
}

[JsonSerializable(typeof(BenchRequest))]
[JsonSerializable(typeof(BenchResponse))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
