using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests;

/// <summary>Structural JSON equality with exact member names, showing both documents on failure.</summary>
internal static class JsonAssert
{
    public static void Equal(string expected, string actual)
    {
        var difference = JsonStructure.FindDifference(expected, actual);
        Assert.True(difference is null, $"{difference}\nexpected: {expected}\nactual:   {actual}");
    }

    /// <summary>The call is <paramref name="method"/> with exactly the body <paramref name="expected"/>.</summary>
    public static void Call(string method, string expected, PluginCall call)
    {
        Assert.Equal(method, call.Method);
        Equal(expected, call.Body);
    }

    /// <summary>The call is <paramref name="method"/> with an empty body, as calls without arguments are sent.</summary>
    public static void EmptyCall(string method, PluginCall call)
    {
        Assert.Equal(method, call.Method);
        Assert.Equal("", call.Body);
    }
}
