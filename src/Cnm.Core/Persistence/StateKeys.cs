namespace Cnm.Core.Persistence;

/// <summary>The store keys of the controller's objects (spec/store.md, "Key layout").</summary>
internal static class StateKeys
{
    /// <summary>Everything the controller stores lives under this prefix.</summary>
    public const string Root = "cnm/v1/";

    public const string Networks = Root + "networks/";

    public const string Endpoints = Root + "endpoints/";

    public const string Sandboxes = Root + "sandboxes/";

    public static string Network(string id) => Networks + id;

    public static string Endpoint(string id) => Endpoints + id;

    public static string Sandbox(string id) => Sandboxes + id;
}
