using Cnm.Core.Model;
using Cnm.Linux.Sandboxes;

namespace Cnm.Linux.Tests.Sandboxes;

/// <summary>hosts and resolv.conf as the reference writes them (docs/reference-host.md §6.10.5), no kernel.</summary>
public sealed class ResolverFilesTests
{
    [Fact]
    public void ResolvConf_HostWithLocalhostAndV6_KeepsOnlyRemoteV4AndSearchOptions()
    {
        var text = ResolverFiles.ResolvConf([], ["nameserver 127.0.0.53", "nameserver 2001:db8::53", "nameserver 192.0.2.1", "search a.test", "options ndots:2", "# comment"]);

        Assert.Equal("nameserver 192.0.2.1\nsearch a.test\noptions ndots:2\n", text);
    }

    [Fact]
    public void ResolvConf_NothingLeft_GoogleServers() =>
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", ResolverFiles.ResolvConf([], ["nameserver 127.0.0.1"]));

    [Fact]
    public void ResolvConf_ExplicitDns_ReplacesHostServers() =>
        Assert.Equal("nameserver 10.0.0.2\nsearch a.test\n", ResolverFiles.ResolvConf(["10.0.0.2"], ["nameserver 192.0.2.1", "search a.test"]));

    [Fact]
    public void Write_ExtraHostsAndSelf_LinesAddedAndRemoved()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cnm-resolver-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new SandboxCreateOptions { ContainerId = "c", Hostname = "web", ExtraHosts = ["db:10.1.1.1"] };
            ResolverFiles.Write(dir, options, "/nonexistent/resolv.conf");
            ResolverFiles.AddSelf(dir, options, System.Net.IPAddress.Parse("172.30.0.2"));
            var joined = File.ReadAllLines(Path.Combine(dir, "hosts"));
            ResolverFiles.RemoveSelf(dir, System.Net.IPAddress.Parse("172.30.0.2"));

            Assert.Equal("127.0.0.1\tlocalhost", joined[0]);
            Assert.Equal(["10.1.1.1\tdb", "172.30.0.2\tweb"], joined[^2..]);
            Assert.DoesNotContain("172.30.0.2\tweb", File.ReadAllLines(Path.Combine(dir, "hosts")));
            Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", File.ReadAllText(Path.Combine(dir, "resolv.conf")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
