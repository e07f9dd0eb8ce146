using Cnm.Core.Errors;
using Cnm.Protocol;
using Cnm.Store.Etcd;

namespace Cnm.Store.Tests.Etcd;

/// <summary>Endpoint lists and options: what is accepted, and the errors for what is not (no etcd needed).</summary>
public sealed class EtcdStoreOptionsTests
{
    [Theory]
    [InlineData("etcd://10.0.0.1:2379", false, "10.0.0.1:2379")]
    [InlineData("etcd://a:1, b:2 ,c:3", false, "a:1,b:2,c:3")]
    [InlineData("etcds://etcd.example:2379", true, "etcd.example:2379")]
    [InlineData("ETCD://[fd00::1]:2379", false, "[fd00::1]:2379")]
    public void Parse_ValidList_MembersAndTls(string text, bool tls, string members)
    {
        var endpoints = EtcdEndpoints.Parse(text);

        Assert.Equal(tls, endpoints.Tls);
        Assert.Equal((tls ? "etcds://" : "etcd://") + members, endpoints.ToString());
        Assert.Equal(tls ? "https" : "http", endpoints.ToConnectionString().Split(':')[0]);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("http://a:2379", "must start with etcd:// or etcds://")]
    [InlineData("etcd://", "\"\" in \"etcd://\" is not host:port")]
    [InlineData("etcd://a", "\"a\" in \"etcd://a\" is not host:port")]
    [InlineData("etcd://a:0", "\"a:0\"")]
    [InlineData("etcd://a:70000", "\"a:70000\"")]
    [InlineData("etcd://a:2379,,b:2379", "\"\" in")]
    [InlineData("etcd://a:2379/x", "\"a:2379/x\"")]
    public void Parse_BadList_InvalidParameterNamingThePart(string text, string expected)
    {
        var error = Assert.Throws<CnmException>(() => EtcdEndpoints.Parse(text));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("request timeout")]
    [InlineData("retry budget")]
    [InlineData("retry delay")]
    [InlineData("unreachable budget")]
    [InlineData("watch reconnect budget")]
    [InlineData("key file")]
    [InlineData("etcds://")]
    [InlineData("WatchBufferCapacity")]
    public void Validate_OptionOutOfRange_InvalidParameterNamingIt(string option)
    {
        var options = new EtcdStoreOptions { Endpoints = "etcd://127.0.0.1:2379" };
        switch (option)
        {
            case "request timeout": options.RequestTimeout = TimeSpan.Zero; break;
            case "retry budget": options.RetryBudget = TimeSpan.FromSeconds(-1); break;
            case "retry delay": options.RetryDelay = TimeSpan.Zero; break;
            case "unreachable budget": options.UnreachableBudget = TimeSpan.FromMinutes(-1); break;
            case "watch reconnect budget": options.WatchReconnectBudget = TimeSpan.FromDays(2); break;
            case "key file": options.CertFile = "/etc/hostname"; break;
            case "etcds://": options.CaFile = "/etc/hostname"; break;
            default: options.Store.WatchBufferCapacity = 0; break;
        }

        var error = Assert.Throws<CnmException>(options.Validate);

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingCaFile_NamesTheFile()
    {
        var options = new EtcdStoreOptions { Endpoints = "etcds://127.0.0.1:2379", CaFile = "/nonexistent/ca.pem" };

        var error = Assert.Throws<CnmException>(options.Validate);

        Assert.Contains("CA file /nonexistent/ca.pem does not exist", error.Message, StringComparison.Ordinal);
    }
}
