using System.Net;
using Cnm.Core.Net;

namespace Cnm.Core.Tests.Net;

public sealed class IpPrefixTests
{
    [Theory]
    [InlineData("172.18.0.5/16", "172.18.0.5", 16, "172.18.0.0/16")]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0, "0.0.0.0/0")]
    [InlineData("10.1.2.3/32", "10.1.2.3", 32, "10.1.2.3/32")]
    [InlineData("2001:db8::1/64", "2001:db8::1", 64, "2001:db8::/64")]
    [InlineData("::ffff:1.2.3.4/120", "::ffff:1.2.3.4", 120, "::ffff:1.2.3.0/120")]
    public void TryParse_Cidr_KeepsHostBitsAndMasksNetwork(string text, string address, int length, string network)
    {
        Assert.True(IpPrefix.TryParse(text, out var prefix));
        Assert.Equal(IPAddress.Parse(address), prefix.Address);
        Assert.Equal(length, prefix.PrefixLength);
        Assert.Equal(network, prefix.Network.ToString());
    }

    [Theory]
    [InlineData("10/8")]
    [InlineData("10.1/16")]
    [InlineData("1.2.3/24")]
    [InlineData("010.0.0.0/8")]
    [InlineData("0x0a.0.0.0/8")]
    [InlineData("1.2.3.4.5/8")]
    [InlineData("1.2.3.256/8")]
    [InlineData("1..3.4/8")]
    [InlineData("1.2.3.4/33")]
    [InlineData("1.2.3.4/")]
    [InlineData("1.2.3.4/-1")]
    [InlineData("1.2.3.4/+8")]
    [InlineData("1.2.3.4")]
    [InlineData("/8")]
    [InlineData("::/129")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotAStrictCidr_IsRejected(string? text)
    {
        Assert.False(IpPrefix.TryParse(text, out _));
    }

    [Fact]
    public void Parse_Shorthand_ThrowsNamingTheText()
    {
        var error = Assert.Throws<FormatException>(() => IpPrefix.Parse("10/8"));

        Assert.Contains("\"10/8\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("172.16.0.0/12", "172.18.0.0/16", true)]
    [InlineData("172.18.0.0/16", "172.16.0.0/12", true)]
    [InlineData("172.18.0.0/16", "172.19.0.0/16", false)]
    [InlineData("10.0.0.0/8", "2001:db8::/32", false)]
    [InlineData("2001:db8::/32", "2001:db8:1::/48", true)]
    public void Overlaps_TwoPrefixes_IsSymmetricAndFamilyAware(string a, string b, bool expected)
    {
        Assert.Equal(expected, IpPrefix.Parse(a).Overlaps(IpPrefix.Parse(b)));
        Assert.Equal(expected, IpPrefix.Parse(b).Overlaps(IpPrefix.Parse(a)));
    }

    [Fact]
    public void AddressAtAndOffsetOf_RoundTrip()
    {
        var prefix = IpPrefix.Parse("172.18.0.9/16");

        Assert.Equal(IPAddress.Parse("172.18.1.2"), prefix.AddressAt(258));
        Assert.Equal((UInt128)258, prefix.OffsetOf(IPAddress.Parse("172.18.1.2")));
    }
}
