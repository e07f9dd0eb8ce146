namespace Cnm.Core.Persistence;

/// <summary>The driver's Join answer of a joined endpoint.</summary>
internal sealed record StoredJoin
{
    public string SrcName { get; init; } = "";

    public string DstPrefix { get; init; } = "";

    public string? Gateway { get; init; }

    public string? GatewayIPv6 { get; init; }

    public List<StoredRoute> StaticRoutes { get; init; } = [];

    public bool DisableGatewayService { get; init; }
}
