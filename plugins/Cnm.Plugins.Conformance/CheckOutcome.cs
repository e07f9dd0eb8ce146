namespace Cnm.Plugins.Conformance;

/// <summary>How one check went.</summary>
public enum CheckOutcome
{
    /// <summary>The plugin behaves as the host expects.</summary>
    Pass,

    /// <summary>The host copes, but the plugin does something unusual or fragile.</summary>
    Warn,

    /// <summary>The plugin breaks the protocol; the host would fail or misbehave.</summary>
    Fail,

    /// <summary>Not run: the plugin does not implement the interface, or an earlier step failed.</summary>
    Skip,
}
