using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Net;

namespace Cnm.Core.Persistence;

/// <summary>
/// Converts the controller's snapshots to the stored records and back. Only ready objects are stored,
/// so a restored object is ready; addresses travel as strings and are parsed back here, at the edge.
/// </summary>
internal static class StateMapping
{
    public static byte[] Serialize(Network n) => JsonSerializer.SerializeToUtf8Bytes(new StoredNetwork
    {
        Id = n.Id,
        Name = n.Name,
        Driver = n.Driver,
        Scope = n.Scope.ToString(),
        IpamDriver = n.IpamDriver,
        AddressSpace = n.AddressSpace,
        Options = n.Options,
        IPv4Pools = [.. n.IPv4Pools.Select(ToStored)],
        IPv6Pools = [.. n.IPv6Pools.Select(ToStored)],
        Created = n.Created,
    }, StateJsonContext.Default.StoredNetwork);

    public static byte[] Serialize(Endpoint e) => JsonSerializer.SerializeToUtf8Bytes(new StoredEndpoint(e.Id, e.Name, e.NetworkId,
        e.Address?.ToString(), e.AddressIPv6?.ToString(), e.MacAddress is { } mac ? FormatMac(mac) : null, e.PoolId, e.PoolIdIPv6, e.Options,
        e.SandboxId, e.Join is { } j ? ToStored(j) : null, e.Created), StateJsonContext.Default.StoredEndpoint);

    public static byte[] Serialize(Sandbox s) => JsonSerializer.SerializeToUtf8Bytes(new StoredSandbox
    {
        Id = s.Id,
        Name = s.Name,
        Key = s.Key,
        Options = s.Options,
        EndpointIds = [.. s.EndpointIds],
        GatewayEndpointId = s.GatewayEndpointId,
    }, StateJsonContext.Default.StoredSandbox);

    public static byte[] Serialize(StoredIntent intent) => JsonSerializer.SerializeToUtf8Bytes(intent, StateJsonContext.Default.StoredIntent);

    public static byte[] Serialize(PendingCall call) => JsonSerializer.SerializeToUtf8Bytes(call, StateJsonContext.Default.PendingCall);

    public static StoredIntent ToIntent(string key, ReadOnlyMemory<byte> value)
    {
        var intent = Read(key, value, StateJsonContext.Default.StoredIntent);
        if (!IntentOperations.IsKnown(intent.Operation))
        {
            throw Bad(key, $"unknown operation \"{intent.Operation}\"");
        }

        intent.Calls.ForEach(c => Check(key, c));
        return intent;
    }

    public static PendingCall ToPendingCall(string key, ReadOnlyMemory<byte> value)
    {
        if (!long.TryParse(key.AsSpan(StateKeys.Pending.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence <= 0)
        {
            throw Bad(key, "the key holds no sequence number");
        }

        return Check(key, Read(key, value, StateJsonContext.Default.PendingCall)) with { Sequence = sequence };
    }

    private static PendingCall Check(string key, PendingCall call)
    {
        if (!PendingMethods.IsKnown(call.Method))
        {
            throw Bad(key, $"unknown driver call \"{call.Method}\"");
        }

        var missing = string.IsNullOrEmpty(call.Driver) ? "driver"
            : call.IsIpam ? (string.IsNullOrEmpty(call.PoolId) ? "pool id" : call.Method == PendingMethods.ReleaseAddress && !IPAddress.TryParse(call.Address, out _) ? "address" : null)
            : string.IsNullOrEmpty(call.NetworkId) ? "network id"
            : call.Method != PendingMethods.DeleteNetwork && string.IsNullOrEmpty(call.EndpointId) ? "endpoint id" : null;
        return missing is null ? call : throw Bad(key, $"call {call.Method} has no valid {missing}");
    }

    public static Network ToNetwork(string key, ReadOnlyMemory<byte> value)
    {
        var s = Read(key, value, StateJsonContext.Default.StoredNetwork);
        return new Network
        {
            Id = s.Id,
            Name = s.Name,
            Driver = s.Driver,
            Scope = Enum.TryParse<DriverScope>(s.Scope, out var scope) ? scope : throw Bad(key, $"unknown scope \"{s.Scope}\""),
            IpamDriver = s.IpamDriver,
            AddressSpace = s.AddressSpace,
            Options = s.Options,
            IPv4Pools = [.. s.IPv4Pools.Select(p => FromStored(key, p))],
            IPv6Pools = [.. s.IPv6Pools.Select(p => FromStored(key, p))],
            Created = s.Created,
            State = ObjectState.Ready,
        };
    }

    public static Endpoint ToEndpoint(string key, ReadOnlyMemory<byte> value)
    {
        var s = Read(key, value, StateJsonContext.Default.StoredEndpoint);
        if (s.Id is null || s.Name is null || s.NetworkId is null || s.Options is null)
        {
            throw Bad(key, "the endpoint record lacks one of Id, Name, NetworkId and Options");
        }

        return new Endpoint
        {
            Id = s.Id,
            Name = s.Name,
            NetworkId = s.NetworkId,
            Address = Prefix(key, s.Address),
            AddressIPv6 = Prefix(key, s.AddressIPv6),
            MacAddress = s.MacAddress is null ? null : ParseMac(key, s.MacAddress),
            PoolId = s.PoolId,
            PoolIdIPv6 = s.PoolIdIPv6,
            Options = s.Options,
            SandboxId = s.SandboxId,
            Join = s.Join is { } j ? FromStored(key, j) : null,
            Created = s.Created,
            State = ObjectState.Ready,
        };
    }

    public static Sandbox ToSandbox(string key, ReadOnlyMemory<byte> value)
    {
        var s = Read(key, value, StateJsonContext.Default.StoredSandbox);
        return new Sandbox
        {
            Id = s.Id,
            Name = s.Name,
            Key = s.Key,
            Options = s.Options,
            EndpointIds = [.. s.EndpointIds],
            GatewayEndpointId = s.GatewayEndpointId,
            State = ObjectState.Ready,
        };
    }

    private static T Read<T>(string key, ReadOnlyMemory<byte> value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(value.Span, type) ?? throw Bad(key, "the record is null");
        }
        catch (JsonException ex)
        {
            throw Bad(key, ex.Message);
        }
    }

    private static StoredPool ToStored(NetworkPool p) => new()
    {
        PoolId = p.PoolId,
        Pool = p.Pool.ToString(),
        SubPool = p.SubPool?.ToString(),
        Gateway = p.Gateway?.ToString(),
        GatewayFromIpam = p.GatewayFromIpam,
        AuxAddresses = p.AuxAddresses.ToDictionary(a => a.Key, a => a.Value.ToString(), StringComparer.Ordinal),
    };

    private static NetworkPool FromStored(string key, StoredPool p) => new(
        p.PoolId,
        Prefix(key, p.Pool) ?? throw Bad(key, $"pool {p.PoolId} has no prefix"),
        Prefix(key, p.SubPool),
        Prefix(key, p.Gateway),
        p.GatewayFromIpam,
        p.AuxAddresses.ToDictionary(a => a.Key, a => Address(key, a.Value)!, StringComparer.Ordinal));

    private static StoredJoin ToStored(JoinResult j) => new()
    {
        SrcName = j.SrcName,
        DstPrefix = j.DstPrefix,
        Gateway = j.Gateway?.ToString(),
        GatewayIPv6 = j.GatewayIPv6?.ToString(),
        StaticRoutes = [.. j.StaticRoutes.Select(r => new StoredRoute { Destination = r.Destination.ToString(), Type = r.Type.ToString(), NextHop = r.NextHop?.ToString() })],
        DisableGatewayService = j.DisableGatewayService,
    };

    private static JoinResult FromStored(string key, StoredJoin j) => new()
    {
        SrcName = j.SrcName,
        DstPrefix = j.DstPrefix,
        Gateway = Address(key, j.Gateway),
        GatewayIPv6 = Address(key, j.GatewayIPv6),
        StaticRoutes = [.. j.StaticRoutes.Select(r => new StaticRouteInfo(
            Prefix(key, r.Destination)!.Value,
            Enum.TryParse<RouteType>(r.Type, out var type) ? type : throw Bad(key, $"unknown route type \"{r.Type}\""),
            Address(key, r.NextHop)))],
        DisableGatewayService = j.DisableGatewayService,
    };

    private static IpPrefix? Prefix(string key, string? text) =>
        text is null ? null : IpPrefix.TryParse(text, out var prefix) ? prefix : throw Bad(key, $"\"{text}\" is not a CIDR");

    private static IPAddress? Address(string key, string? text) =>
        text is null ? null : IPAddress.TryParse(text, out var address) ? address : throw Bad(key, $"\"{text}\" is not an IP address");

    private static string FormatMac(PhysicalAddress mac) =>
        string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static PhysicalAddress ParseMac(string key, string text)
    {
        var parts = text.Split(':');
        var bytes = new byte[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts.Length != 6 || !byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i]))
            {
                throw Bad(key, $"\"{text}\" is not a MAC address");
            }
        }

        return new PhysicalAddress(bytes);
    }

    private static CnmException Bad(string key, string reason) =>
        CnmException.Internal($"store record {key} is unreadable: {reason}; the state file may come from another program or be damaged");
}
