namespace Cnm.Core.Persistence;

/// <summary>A static route of a Join answer.</summary>
internal sealed record StoredRoute
{
    public required string Destination { get; init; }

    public required string Type { get; init; }

    public string? NextHop { get; init; }
}
