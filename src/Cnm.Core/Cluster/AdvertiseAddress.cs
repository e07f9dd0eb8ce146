using System.Net;
using Cnm.Core.Errors;

namespace Cnm.Core.Cluster;

/// <summary>The rule for <c>--advertise-addr</c>: an IP address, optionally with a port (<c>10.0.0.5</c>, <c>10.0.0.5:7946</c>, <c>[fd00::5]:7946</c>).</summary>
public static class AdvertiseAddress
{
    /// <summary>Throws InvalidParameter unless <paramref name="address"/> is an IP, optionally with a port.</summary>
    public static void Validate(string? address)
    {
        if (string.IsNullOrEmpty(address) || (!IPAddress.TryParse(address, out _) && !IPEndPoint.TryParse(address, out _))
            || address.Contains('/', StringComparison.Ordinal))
        {
            throw CnmException.InvalidParameter(
                $"advertise address \"{address}\" is invalid: it must be an IP address, optionally with a port (10.0.0.5, 10.0.0.5:7946, [fd00::5]:7946)");
        }
    }

    /// <summary>The IP part of a valid advertise address, as text.</summary>
    public static string IpOf(string address) =>
        IPAddress.TryParse(address, out var ip) ? ip.ToString()
        : IPEndPoint.TryParse(address, out var endpoint) ? endpoint.Address.ToString()
        : address;
}
