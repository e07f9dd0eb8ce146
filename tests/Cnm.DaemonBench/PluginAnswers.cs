using System.Globalization;
using System.Text.Json;

namespace Cnm.DaemonBench;

/// <summary>
/// The plugin's answers: a network driver and IPAM that hold nothing and answer at once. Every RequestPool gets a
/// pool of its own (10.a.b.0/24, a and b from a counter), so that 1,000 live networks do not overlap; the gateway is
/// .1, other addresses count up from .2.
/// </summary>
internal static class PluginAnswers
{
    private static int s_pools;
    private static int s_addresses;

    /// <summary>The JSON answer to <paramref name="method"/> (e.g. <c>IpamDriver.RequestPool</c>), or null when unknown.</summary>
    public static string? Answer(string method, ReadOnlySpan<byte> body) => method switch
    {
        "Plugin.Activate" => """{"Implements":["NetworkDriver","IpamDriver"]}""",
        "NetworkDriver.GetCapabilities" => """{"Scope":"local","ConnectivityScope":"local"}""",
        "NetworkDriver.Join" => """{"InterfaceName":{"SrcName":"benchveth0","DstPrefix":"eth"}}""",
        "NetworkDriver.EndpointOperInfo" => """{"Value":{}}""",
        "NetworkDriver.CreateNetwork" or "NetworkDriver.DeleteNetwork" or "NetworkDriver.CreateEndpoint"
            or "NetworkDriver.DeleteEndpoint" or "NetworkDriver.Leave" or "NetworkDriver.ProgramExternalConnectivity"
            or "NetworkDriver.RevokeExternalConnectivity" or "NetworkDriver.DiscoverNew" or "NetworkDriver.DiscoverDelete"
            or "NetworkDriver.AllocateNetwork" or "NetworkDriver.FreeNetwork" => "{}",
        "IpamDriver.GetCapabilities" => """{"RequiresMACAddress":false}""",
        "IpamDriver.GetDefaultAddressSpaces" => """{"LocalDefaultAddressSpace":"benchLocal","GlobalDefaultAddressSpace":"benchGlobal"}""",
        "IpamDriver.RequestPool" => RequestPool(),
        "IpamDriver.RequestAddress" => RequestAddress(body),
        "IpamDriver.ReleaseAddress" or "IpamDriver.ReleasePool" => "{}",
        _ => null,
    };

    private static string RequestPool()
    {
        var n = Interlocked.Increment(ref s_pools) & 0xFFFF;
        var prefix = string.Create(CultureInfo.InvariantCulture, $"10.{n >> 8}.{n & 0xFF}");
        return $$$"""{"PoolID":"{{{prefix}}}","Pool":"{{{prefix}}}.0/24","Data":{}}""";
    }

    private static string RequestAddress(ReadOnlySpan<byte> body)
    {
        using var request = JsonDocument.Parse(body.ToArray());
        var root = request.RootElement;
        var pool = root.TryGetProperty("PoolID", out var p) ? p.GetString() ?? "10.0.0" : "10.0.0";
        var wanted = root.TryGetProperty("Address", out var a) ? a.GetString() : null;
        var gateway = root.TryGetProperty("Options", out var o) && o.ValueKind == JsonValueKind.Object
            && o.TryGetProperty("RequestAddressType", out var t) && t.GetString() == "com.docker.network.gateway";
        var address = !string.IsNullOrEmpty(wanted) ? wanted
            : gateway ? pool + ".1"
            : string.Create(CultureInfo.InvariantCulture, $"{pool}.{2 + ((Interlocked.Increment(ref s_addresses) & 0x7FFFFFFF) % 250)}");
        return $$$"""{"Address":"{{{address}}}/24","Data":{}}""";
    }
}
