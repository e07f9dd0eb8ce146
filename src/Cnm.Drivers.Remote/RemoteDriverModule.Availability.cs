using Cnm.Core.Drivers;
using Cnm.Plugins.Registry;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote;

public sealed partial class RemoteDriverModule : IDriverAvailability
{
    /// <inheritdoc />
    /// <remarks>
    /// Answers from what the module and the registry already know (the last event per plugin, registration errors,
    /// the registry's state of the name): no plugin is called and no file is looked at.
    /// </remarks>
    public string? GetUnavailableReason(string name, DriverKind kind, bool registered)
    {
        ArgumentNullException.ThrowIfNull(name);
        var pluginInterface = kind == DriverKind.Network ? PluginInterfaces.NetworkDriver : PluginInterfaces.IpamDriver;
        var key = Key(name, pluginInterface);
        if (_registrationErrors.TryGetValue(key, out var error))
        {
            return $"the plugin was activated but could not be registered as a {pluginInterface}: {error}";
        }

        var status = _registry.Plugins.FirstOrDefault(p => p.Name == name);
        if (registered)
        {
            // Not this module's driver when it never heard of the name (a built-in or another module's).
            return _lastEvents.TryGetValue(key, out var last) && last.Kind == PluginEventKind.Gone
                ? $"the plugin is gone ({status?.LastError ?? "its socket or spec file was removed"}); its calls work again once it is back"
                : null;
        }

        return status switch
        {
            null or { State: PluginState.Gone } => NotPresent(name),
            { State: PluginState.Activating } => "the plugin is being activated",
            { State: PluginState.Unavailable } => $"its activation failed: {status.LastError}",
            _ when !status.Implements.Contains(pluginInterface) =>
                $"the plugin does not implement {pluginInterface} (it implements {(status.Implements.Count == 0 ? "nothing" : string.Join(", ", status.Implements))})",
            _ => "the plugin is being registered",
        };
    }

    private string NotPresent(string name)
    {
        var directories = _registry.Discovery.SpecDirectories.Prepend(_registry.Discovery.SocketDirectory).ToList();
        var where = directories.Count == 1 ? directories[0] : $"{string.Join(", ", directories.SkipLast(1))} or {directories[^1]}";
        return $"its socket ({name}.sock) or spec file is not in {where} yet";
    }
}
