using Cnm.Linux.Namespaces;

namespace Cnm.Linux.Tests.Namespaces;

public sealed class CapabilitiesTests
{
    [Theory]
    [InlineData("Name:\tcnmd\nCapEff:\t000001ffffffffff\n", new string[0])]
    [InlineData("CapEff:\t0000000000001000\n", new[] { "CAP_SYS_ADMIN" })]
    [InlineData("CapEff:\t0000000000200000\n", new[] { "CAP_NET_ADMIN" })]
    [InlineData("CapEff:\t0000000000000000\n", new[] { "CAP_SYS_ADMIN", "CAP_NET_ADMIN" })]
    [InlineData("Name:\tx\n", new[] { "CAP_SYS_ADMIN", "CAP_NET_ADMIN" })]
    public void Missing_StatusText_NamesLackingCapabilities(string status, string[] missing) =>
        Assert.Equal(missing, Capabilities.Missing(status));

    [Fact]
    public void MissingForSandboxes_AsRoot_None() => Assert.Empty(Capabilities.MissingForSandboxes());
}
