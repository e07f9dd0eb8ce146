using System.Net;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Net;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Ipam;

/// <summary>Terse calls for IPAM tests: CIDRs and addresses as strings, results as text.</summary>
internal static class IpamTestExtensions
{
    public const string Local = BuiltInIpams.LocalDefaultSpace;

    public static IpPrefix P(string text) => IpPrefix.Parse(text);

    public static IPAddress Ip(string text) => IPAddress.Parse(text);

    public static Task<PoolAllocation> PoolAsync(
        this IIpamDriver ipam, string? pool = null, string? subPool = null, string space = Local, bool v6 = false) =>
        ipam.RequestPoolAsync(
            new PoolRequest(space, pool is null ? null : P(pool), subPool is null ? null : P(subPool), null, v6),
            CancellationToken.None);

    public static async Task<string> PoolIdAsync(this IIpamDriver ipam, string? pool = null, string? subPool = null, string space = Local) =>
        (await ipam.PoolAsync(pool, subPool, space)).PoolId;

    public static async Task<string?> AddressAsync(this IIpamDriver ipam, string poolId, string? address = null, bool serial = false)
    {
        var options = serial ? new Dictionary<string, string> { [IpamOptions.Serial] = "true" } : null;
        var result = await ipam.RequestAddressAsync(
            new AddressRequest(poolId, address is null ? null : Ip(address), options), CancellationToken.None);
        return result.Address?.ToString();
    }

    public static Task ReleaseAsync(this IIpamDriver ipam, string poolId, string address) =>
        ipam.ReleaseAddressAsync(poolId, Ip(address), CancellationToken.None);

    public static Task ReleasePoolAsync(this IIpamDriver ipam, string poolId) =>
        ipam.ReleasePoolAsync(poolId, CancellationToken.None);

    /// <summary>Awaits a call that must fail with <paramref name="category"/> and a message holding every part.</summary>
    public static async Task<CnmException> FailsAsync(Func<Task> call, ErrorCategory category, params string[] messageParts)
    {
        var error = await Assert.ThrowsAsync<CnmException>(call);
        Assert.True(error.Category == category, $"expected {category}, got {error.Category}: {error.Message}");
        foreach (var part in messageParts)
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }

        return error;
    }
}
