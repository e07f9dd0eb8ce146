using Cnm.Linux.Firewall.Firewalld;
using Cnm.Protocol;
using Tmds.DBus.Protocol;

namespace Cnm.Linux.Tests.Firewall;

/// <summary>firewalld's error replies map to our categories by their code; two codes mean success.</summary>
public sealed class FirewalldErrorsTests
{
    [Theory]
    [InlineData("INVALID_ZONE: nosuchzone", ErrorCategory.InvalidParameter)]
    [InlineData("ZONE_ALREADY_SET: 'br-t' already bound to 'trusted'", ErrorCategory.Conflict)]
    [InlineData("NAME_CONFLICT: cnm", ErrorCategory.Conflict)]
    [InlineData("NOT_RUNNING", ErrorCategory.Unavailable)]
    [InlineData("COMMAND_FAILED: '/usr/sbin/iptables-restore -w -n' failed", ErrorCategory.Internal)]
    public void CategoryOf_FirewalldCode_OurCategory(string message, ErrorCategory expected)
    {
        var reply = new DBusErrorReplyException(FirewalldErrors.ExceptionName, message);

        Assert.Equal(expected, FirewalldErrors.CategoryOf(reply));
        Assert.False(FirewalldErrors.IsSuccess(reply));
        var mapped = Assert.IsType<FirewalldException>(FirewalldErrors.Map(reply, "zone.addInterface cnm br-t"));
        Assert.Equal(message.Split(':')[0], mapped.Code);
        Assert.Contains("zone.addInterface cnm br-t", mapped.Message);
    }

    [Theory]
    [InlineData("ALREADY_ENABLED: masquerade already enabled in 'external'")]
    [InlineData("NOT_ENABLED: 'br-t' not in 'cnm'")]
    public void IsSuccess_AlreadyOrNotEnabled_True(string message) =>
        Assert.True(FirewalldErrors.IsSuccess(new DBusErrorReplyException(FirewalldErrors.ExceptionName, message)));

    [Fact]
    public void CategoryOf_BusAccessDenied_Forbidden()
    {
        var reply = new DBusErrorReplyException("org.freedesktop.DBus.Error.AccessDenied", "Rejected send message");

        Assert.Equal(ErrorCategory.Forbidden, FirewalldErrors.CategoryOf(reply));
        Assert.Null(FirewalldErrors.Code(reply));
        Assert.False(FirewalldErrors.IsSuccess(reply));
    }
}
