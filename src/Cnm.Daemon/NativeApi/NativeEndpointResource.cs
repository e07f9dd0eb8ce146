using System.Text.Json;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// An endpoint in native API answers (named apart from Docker's <c>EndpointResource</c>, a network's
/// <c>Containers</c> entry). <c>Sandbox</c> and <c>Join</c> are there only while joined. <c>DriverInfo</c>
/// (the driver's EndpointOperInfo) is asked for only by a single-endpoint inspect; when the driver cannot
/// answer, <c>DriverInfoError</c> says why and the rest of the answer still stands.
/// </summary>
internal sealed record NativeEndpointResource
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required ObjectReference Network { get; init; }

    public required string Driver { get; init; }

    /// <summary>The status of the endpoint's network, as its <c>CnmStatus</c>; absent when the network is gone meanwhile.</summary>
    public CnmStatusResource? NetworkStatus { get; init; }

    public ObjectReference? Sandbox { get; init; }

    public required EndpointInterfaceResource Interface { get; init; }

    public required string State { get; init; }

    public required Dictionary<string, string> Options { get; init; }

    public required List<string> Aliases { get; init; }

    public EndpointJoinResource? Join { get; init; }

    public Dictionary<string, JsonElement>? DriverInfo { get; init; }

    public string? DriverInfoError { get; init; }

    public required string Created { get; init; }
}
