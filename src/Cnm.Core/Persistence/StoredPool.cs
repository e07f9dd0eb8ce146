namespace Cnm.Core.Persistence;

/// <summary>One pool a network obtained from its IPAM, with the IPAM's pool id; addresses are strings.</summary>
internal sealed record StoredPool
{
    public required string PoolId { get; init; }

    public required string Pool { get; init; }

    public string? SubPool { get; init; }

    public string? Gateway { get; init; }

    public bool GatewayFromIpam { get; init; }

    public Dictionary<string, string> AuxAddresses { get; init; } = [];
}
