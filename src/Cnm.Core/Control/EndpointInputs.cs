using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using Cnm.Core.Errors;

namespace Cnm.Core.Control;

/// <summary>The endpoint options a person types, parsed: static addresses and the MAC.</summary>
internal static class EndpointInputs
{
    public static IPAddress? ParseStaticAddress(string? text, bool v6, string endpointName)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!IPAddress.TryParse(text, out var address) || text.Contains('/', StringComparison.Ordinal)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) != v6)
        {
            throw CnmException.InvalidParameter($"endpoint {endpointName}: invalid {(v6 ? "IPv6" : "IPv4")} address \"{text}\"");
        }

        return address;
    }

    public static PhysicalAddress? ParseMac(string? text, string endpointName)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !byte.TryParse(p, System.Globalization.NumberStyles.HexNumber,
                System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            throw CnmException.InvalidParameter($"endpoint {endpointName}: invalid MAC address \"{text}\": expected six hex pairs like 02:42:ac:11:00:02");
        }

        return new PhysicalAddress([.. parts.Select(p => byte.Parse(p, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture))]);
    }

    /// <summary>A random locally administered MAC in 02:42:xx:xx:xx:xx, as the reference generates.</summary>
    public static PhysicalAddress GenerateMac()
    {
        var bytes = new byte[6];
        bytes[0] = 0x02;
        bytes[1] = 0x42;
        RandomNumberGenerator.Fill(bytes.AsSpan(2));
        return new PhysicalAddress(bytes);
    }
}
