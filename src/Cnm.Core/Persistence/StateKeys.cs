using System.Globalization;

namespace Cnm.Core.Persistence;

/// <summary>The store keys of the controller's objects (spec/store.md, "Key layout").</summary>
internal static class StateKeys
{
    /// <summary>Everything the controller stores lives under this prefix.</summary>
    public const string Root = "cnm/v1/";

    public const string Networks = Root + "networks/";

    public const string Endpoints = Root + "endpoints/";

    public const string Sandboxes = Root + "sandboxes/";

    /// <summary>Operations in flight, by the id of the network or endpoint they work on.</summary>
    public const string Intents = Root + "intents/";

    /// <summary>Driver calls owed to drivers that could not be reached, by a sequence that orders them.</summary>
    public const string Pending = Root + "pending/";

    public static string Network(string id) => Networks + id;

    public static string Endpoint(string id) => Endpoints + id;

    public static string Sandbox(string id) => Sandboxes + id;

    public static string Intent(string id) => Intents + id;

    /// <summary>Nineteen digits, so that the key order is the numeric order.</summary>
    public static string PendingCall(long sequence) => Pending + sequence.ToString("D19", CultureInfo.InvariantCulture);
}
