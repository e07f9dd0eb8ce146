using System.Text.Json.Serialization;

namespace Cnm.Core.Persistence;

/// <summary>
/// One driver call that an operation still owes a driver: the undo of a create or join cut short by a
/// crash, or the rest of a delete or leave. Stored in intent records and, while its driver cannot be
/// reached, under <c>cnm/v1/pending/&lt;sequence&gt;</c> (spec/store.md, "Intents and pending calls").
/// </summary>
internal sealed record PendingCall
{
    /// <summary>The protocol method: one of <see cref="PendingMethods"/>.</summary>
    public required string Method { get; init; }

    /// <summary>The network driver's name for network methods, the IPAM driver's name for IPAM methods.</summary>
    public required string Driver { get; init; }

    public string? NetworkId { get; init; }

    public string? EndpointId { get; init; }

    public string? SandboxId { get; init; }

    public string? PoolId { get; init; }

    /// <summary>A bare IP address (ReleaseAddress).</summary>
    public string? Address { get; init; }

    /// <summary>Why the call is owed, for people reading the log or the store.</summary>
    public string? Reason { get; init; }

    /// <summary>The key's sequence number when stored as a pending call (from the key, not the value); 0 inside an intent.</summary>
    [JsonIgnore]
    public long Sequence { get; init; }

    [JsonIgnore]
    public bool IsIpam => Method is PendingMethods.ReleaseAddress or PendingMethods.ReleasePool;

    public string Describe() => Method switch
    {
        PendingMethods.ReleaseAddress => $"{Method} {Address} of pool {PoolId} to IPAM {Driver}",
        PendingMethods.ReleasePool => $"{Method} {PoolId} to IPAM {Driver}",
        PendingMethods.DeleteNetwork => $"{Method} {Short(NetworkId)} to driver {Driver}",
        _ => $"{Method} {Short(NetworkId)}/{Short(EndpointId)} to driver {Driver}",
    };

    private static string? Short(string? id) => id is { Length: > 12 } ? id[..12] : id;
}

/// <summary>The methods a <see cref="PendingCall"/> may name.</summary>
internal static class PendingMethods
{
    public const string DeleteNetwork = "DeleteNetwork";
    public const string DeleteEndpoint = "DeleteEndpoint";
    public const string Leave = "Leave";
    public const string RevokeExternalConnectivity = "RevokeExternalConnectivity";
    public const string ProgramExternalConnectivity = "ProgramExternalConnectivity";
    public const string ReleaseAddress = "ReleaseAddress";
    public const string ReleasePool = "ReleasePool";

    public static bool IsKnown(string method) => method is DeleteNetwork or DeleteEndpoint or Leave or RevokeExternalConnectivity
        or ProgramExternalConnectivity or ReleaseAddress or ReleasePool;
}
