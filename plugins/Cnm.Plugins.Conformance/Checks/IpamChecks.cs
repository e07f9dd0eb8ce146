using System.Net;
using Cnm.Protocol;
using static Cnm.Plugins.Conformance.Checks.CheckContext;

namespace Cnm.Plugins.Conformance.Checks;

/// <summary>Address spaces, pools, addresses, exhaustion and double release.</summary>
internal static class IpamChecks
{
    public static async Task<Verdict> AddressSpacesAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsIpam)
        {
            return Verdict.Skip("not an IPAM driver");
        }

        var body = await context.SucceedAsync(PluginMethods.Ipam.GetDefaultAddressSpaces, null, ct).ConfigureAwait(false);
        return Text(body, "LocalDefaultAddressSpace").Length == 0 || Text(body, "GlobalDefaultAddressSpace").Length == 0
            ? Verdict.Fail($"an address space is empty: {body.GetRawText()}",
                "answer LocalDefaultAddressSpace and GlobalDefaultAddressSpace; the host names pools with them")
            : Verdict.Pass;
    }

    public static async Task<Verdict> PoolAndAddressAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsIpam)
        {
            return Verdict.Skip("not an IPAM driver");
        }

        var (poolId, pool) = await RequestPoolAsync(context, "", ct).ConfigureAwait(false);
        var address = await context.SucceedAsync(PluginMethods.Ipam.RequestAddress,
            $$$"""{"PoolID":{{{Quote(poolId)}}},"Address":"","Options":{}}""", ct).ConfigureAwait(false);
        var text = Text(address, "Address");
        if (!IPNetwork.TryParse(text, out _) || text.IndexOf('/', StringComparison.Ordinal) < 0
            || !IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var ip) || !pool.Contains(ip))
        {
            return Verdict.Fail($"RequestAddress answered Address \"{text}\" for pool {pool}",
                "answer an address of the pool with the pool's mask, such as 10.1.0.2/24");
        }

        var release = $$$"""{"PoolID":{{{Quote(poolId)}}},"Address":{{{Quote(ip.ToString())}}}}""";
        await context.SucceedAsync(PluginMethods.Ipam.ReleaseAddress, release, ct).ConfigureAwait(false);
        var twice = await context.Plugin.CallAsync(PluginMethods.Ipam.ReleaseAddress, release, ct).ConfigureAwait(false);
        if (!twice.Answered)
        {
            return Verdict.Fail($"a second ReleaseAddress of the same address: {twice.Failure}", "answer every call");
        }

        return twice.Status == 200 && ErrorText(PluginMethods.Ipam.ReleaseAddress, ParseObject(PluginMethods.Ipam.ReleaseAddress, twice)) is null
            ? Verdict.Pass
            : Verdict.Warn($"releasing an address twice answered status {twice.Status}: {Excerpt(twice.Body)}",
                "the host only logs release failures, but a release of what is free should succeed");
    }

    public static async Task<Verdict> ExhaustionAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsIpam)
        {
            return Verdict.Skip("not an IPAM driver");
        }

        var (poolId, _) = await RequestPoolAsync(context, "198.18.254.0/30", ct).ConfigureAwait(false);
        for (var i = 1; i <= 6; i++)
        {
            var answer = await context.Plugin.CallAsync(PluginMethods.Ipam.RequestAddress,
                $$$"""{"PoolID":{{{Quote(poolId)}}},"Address":"","Options":{}}""", ct).ConfigureAwait(false);
            if (!answer.Answered)
            {
                return Verdict.Fail($"RequestAddress #{i} in a /30: {answer.Failure}", "answer every call");
            }

            var failed = answer.Status != 200 || ErrorText(PluginMethods.Ipam.RequestAddress, ParseObject(PluginMethods.Ipam.RequestAddress, answer)) is not null;
            if (failed)
            {
                return i >= 2 ? Verdict.Pass : Verdict.Fail("the first address of a fresh /30 was refused", "a /30 has two usable addresses");
            }
        }

        return Verdict.Fail("six addresses were handed out of a /30 (two usable addresses)",
            "refuse RequestAddress with an error when the pool is exhausted");
    }

    private static async Task<(string PoolId, IPNetwork Pool)> RequestPoolAsync(CheckContext context, string cidr, CancellationToken ct)
    {
        var body = await context.SucceedAsync(PluginMethods.Ipam.RequestPool,
            $$$"""{"AddressSpace":"LocalDefault","Pool":{{{Quote(cidr)}}},"SubPool":"","Options":{},"V6":false}""", ct).ConfigureAwait(false);
        var poolId = Text(body, "PoolID");
        var pool = Text(body, "Pool");
        if (poolId.Length == 0 || !IPNetwork.TryParse(pool, out var network))
        {
            throw new VerdictException(Verdict.Fail($"RequestPool answered PoolID \"{poolId}\" and Pool \"{pool}\"",
                "answer a non-empty PoolID and the pool as a CIDR; the host cannot use a pool it cannot parse (and never releases it)"));
        }

        context.Cleanup.Add((PluginMethods.Ipam.ReleasePool, $$$"""{"PoolID":{{{Quote(poolId)}}}}"""));
        return (poolId, network);
    }
}
