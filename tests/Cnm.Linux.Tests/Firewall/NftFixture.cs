using System.Diagnostics;
using System.Text.Json;
using Cnm.Linux.Firewall;

namespace Cnm.Linux.Tests.Firewall;

/// <summary>
/// A "host" namespace of the test's own with an <see cref="NftablesBridgeFirewall"/> in it, and the nft CLI to look
/// at what the firewall did (an independent reader). Dispose checks that the namespace has no nftables table left.
/// </summary>
internal sealed class NftFixture : IAsyncDisposable
{
    private NftFixture(TestNamespaces ns, string hostPath, NftablesBridgeFirewall firewall)
    {
        Namespaces = ns;
        HostPath = hostPath;
        Firewall = firewall;
    }

    public TestNamespaces Namespaces { get; }

    public string HostPath { get; }

    public NftablesBridgeFirewall Firewall { get; }

    public static async Task<NftFixture> StartAsync()
    {
        var ns = new TestNamespaces();
        var host = await ns.CreateAsync("host");
        return new NftFixture(ns, host, NftablesBridgeFirewall.Create(host));
    }

    /// <summary>Runs nft with <paramref name="args"/> in the host namespace and returns its stdout.</summary>
    public Task<string> NftAsync(params string[] args) => RunAsync(HostPath, "nft", args);

    /// <summary>The JSON listing of the whole ruleset of the namespace.</summary>
    public async Task<JsonDocument> RulesetJsonAsync() => JsonDocument.Parse(await NftAsync("-j", "list", "ruleset"));

    /// <summary>The text listing of one chain of <c>inet cnm</c>.</summary>
    public Task<string> ChainAsync(string chain) => NftAsync("list", "chain", "inet", "cnm", chain);

    /// <summary>The tables of the namespace, as "family name".</summary>
    public async Task<List<string>> TablesAsync()
    {
        using var doc = await RulesetJsonAsync();
        return [.. doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(e => e.TryGetProperty("table", out _))
            .Select(e => e.GetProperty("table").GetProperty("family").GetString() + " " + e.GetProperty("table").GetProperty("name").GetString())];
    }

    /// <summary>
    /// The rules of <c>inet cnm</c> without handles, as "chain: expr-json comment", and its chain names: what two
    /// states of the table are compared by.
    /// </summary>
    public async Task<List<string>> ShapeAsync()
    {
        using var doc = await RulesetJsonAsync();
        var shape = new List<string>();
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain) && chain.GetProperty("table").GetString() == "cnm")
            {
                shape.Add("chain " + chain.GetProperty("name").GetString());
            }
            else if (item.TryGetProperty("rule", out var rule) && rule.GetProperty("table").GetString() == "cnm")
            {
                var comment = rule.TryGetProperty("comment", out var c) ? c.GetString() : "";
                shape.Add($"{rule.GetProperty("chain").GetString()}: {rule.GetProperty("expr").GetRawText()} {comment}");
            }
        }

        return shape;
    }

    /// <summary>Nothing of ours, nor anything else, is left in the namespace's ruleset.</summary>
    public async Task AssertCleanAsync() => Assert.Empty(await TablesAsync());

    public static async Task<string> RunAsync(string netnsPath, string file, params string[] args)
    {
        var start = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--net=" + netnsPath);
        start.ArgumentList.Add(file);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    public async ValueTask DisposeAsync()
    {
        // Each test asserts an empty ruleset itself (AssertCleanAsync); this only tears down.
        Firewall.Dispose();
        await Namespaces.DisposeAsync();
    }
}
