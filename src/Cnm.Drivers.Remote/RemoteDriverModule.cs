using System.Collections.Concurrent;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Plugins;
using Cnm.Plugins.Registry;
using Cnm.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Drivers.Remote;

/// <summary>
/// Connects the plugin registry to the controller's registrar: every plugin that implements
/// <c>NetworkDriver</c> or <c>IpamDriver</c> is registered under its own name whenever it is activated,
/// so the controller cannot tell it from a built-in driver. A plugin that goes away stays registered and
/// its calls fail as Unavailable until it is back (docs/decisions.md, "plugin restart").
/// </summary>
public sealed partial class RemoteDriverModule : IDriverModule, IDriverResolver, IDisposable
{
    private readonly PluginRegistry _registry;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, PluginConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _registrationErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PluginEvent> _lastEvents = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private IDriverRegistrar? _registrar;

    /// <summary>Creates the module over a plugin registry.</summary>
    public RemoteDriverModule(PluginRegistry registry, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RemoteDriverModule>();
    }

    /// <inheritdoc />
    public string Name => "remote";

    /// <inheritdoc />
    public bool IsBuiltIn => false;

    /// <inheritdoc />
    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        _registrar = registrar;
        _subscriptions.Add(_registry.Handle(PluginInterfaces.NetworkDriver, OnNetworkPluginAsync));
        _subscriptions.Add(_registry.Handle(PluginInterfaces.IpamDriver, OnIpamPluginAsync));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> TryResolveNetworkDriverAsync(string name, CancellationToken cancellationToken) =>
        ResolveAsync(name, PluginInterfaces.NetworkDriver, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryResolveIpamDriverAsync(string name, CancellationToken cancellationToken) =>
        ResolveAsync(name, PluginInterfaces.IpamDriver, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _subscriptions.Clear();
    }

    private async Task<bool> ResolveAsync(string name, string pluginInterface, CancellationToken cancellationToken)
    {
        try
        {
            // Activation runs the handlers below before it returns, so the driver is registered by now.
            await _registry.GetAsync(name, pluginInterface, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginException ex)
        {
            var kind = pluginInterface == PluginInterfaces.NetworkDriver ? "network" : "IPAM";
            throw new CnmException(ex.Category, $"{kind} driver \"{name}\" is not available: {ex.Message}", ex) { Plugin = name };
        }

        var key = Key(name, pluginInterface);
        if (_registrationErrors.ContainsKey(key) && _lastEvents.TryGetValue(key, out var last))
        {
            // Registration failed when the plugin was activated (a GetCapabilities that failed once, say):
            // try again now rather than leave the driver unusable until the plugin is replaced.
            var retry = pluginInterface == PluginInterfaces.NetworkDriver
                ? OnNetworkPluginAsync(last, cancellationToken)
                : OnIpamPluginAsync(last, cancellationToken);
            await retry.ConfigureAwait(false);
        }

        if (_registrationErrors.TryGetValue(key, out var error))
        {
            throw new CnmException(ErrorCategory.Unavailable, $"plugin \"{name}\" was activated but could not be registered as a {pluginInterface}: {error}")
            {
                Plugin = name,
            };
        }

        return true;
    }

    private Task OnNetworkPluginAsync(PluginEvent e, CancellationToken cancellationToken) =>
        RegisterAsync(e, async connection =>
        {
            var driver = new RemoteNetworkDriver(connection);
            var capability = await driver.GetCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
            _registrar!.RegisterNetworkDriver(e.Name, driver, capability);
        });

    private Task OnIpamPluginAsync(PluginEvent e, CancellationToken cancellationToken) =>
        RegisterAsync(e, async connection =>
        {
            var driver = new RemoteIpamDriver(connection);
            var capabilities = await driver.GetCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
            var spaces = await driver.GetDefaultAddressSpacesAsync(cancellationToken).ConfigureAwait(false);
            _registrar!.RegisterIpamDriver(e.Name, driver, capabilities, spaces);
        });

    /// <summary>
    /// Points the plugin's connection at the event's client and, unless the plugin is gone, registers its
    /// driver; a failure is kept so that resolving the name can say why.
    /// </summary>
    private async Task RegisterAsync(PluginEvent e, Func<PluginConnection, Task> register)
    {
        _lastEvents[Key(e.Name, e.Interface)] = e;
        var connection = Connection(e);
        if (e.Kind == PluginEventKind.Gone)
        {
            return;
        }

        try
        {
            await register(connection).ConfigureAwait(false);
            _registrationErrors.TryRemove(Key(e.Name, e.Interface), out _);
            Log.Registered(_logger, e.Name, e.Interface, e.Kind.ToString());
        }
        catch (CnmException ex)
        {
            _registrationErrors[Key(e.Name, e.Interface)] = ex.Message;
            Log.RegistrationFailed(_logger, e.Name, e.Interface, ex.Message, ex);
        }
    }

    /// <summary>One connection per plugin, shared by its network and IPAM drivers; the event decides its client.</summary>
    private PluginConnection Connection(PluginEvent e)
    {
        var connection = _connections.GetOrAdd(e.Name, static name => new PluginConnection(name));
        if (e.Kind == PluginEventKind.Gone)
        {
            connection.Detach();
            Log.Gone(_logger, e.Name, e.Interface);
        }
        else
        {
            connection.Attach(e.Plugin.Client);
        }

        return connection;
    }

    private static string Key(string name, string pluginInterface) => $"{pluginInterface}/{name}";
}
