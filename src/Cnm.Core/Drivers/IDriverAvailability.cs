namespace Cnm.Core.Drivers;

/// <summary>
/// An optional ability of a driver module whose drivers come and go at runtime (plugins): it can say why one
/// of them cannot serve calls right now. The controller asks it to show networks as waiting for their plugin
/// (spec/store.md, "Restore at start-up"). Answers must be cheap: no I/O, no plugin call, no waiting.
/// </summary>
public interface IDriverAvailability
{
    /// <summary>
    /// Why the driver <paramref name="name"/> of <paramref name="kind"/> cannot serve calls now, or null when this
    /// module sees no reason. Asked for names this module registered (<paramref name="registered"/> true), and
    /// for names that no module has registered yet.
    /// </summary>
    string? GetUnavailableReason(string name, DriverKind kind, bool registered);
}
