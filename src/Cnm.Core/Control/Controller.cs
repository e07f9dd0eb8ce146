using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Sandboxes;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Core.Control;

/// <summary>
/// The network controller: networks, endpoints and sandboxes over registered drivers. Every multi-step
/// operation either completes or undoes its steps. Locking is per object and brief: the controller's
/// tables are only touched under a short lock, and no lock is held while a driver call is in flight,
/// so a slow plugin delays only the objects it owns. An object busy with one operation refuses another
/// with a Conflict error instead of queueing behind a plugin call.
/// </summary>
public sealed partial class Controller
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Network> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Sandbox> _sandboxes = new(StringComparer.Ordinal);
    private readonly DriverRegistry _drivers = new();
    private readonly ISandboxProvider _sandboxProvider;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<string> _replayCreateNetwork;
    private readonly PendingCalls _pending;
    private readonly OperationJournal _journal;
    private readonly StateRestorer _restorer;
    private readonly bool _globalScope;

    /// <summary>Modules that can say why their drivers are unavailable; filled by <see cref="CreateAsync"/> only.</summary>
    private readonly List<IDriverAvailability> _availability = [];

    private Controller(ControllerOptions options, ILogger logger)
    {
        var store = options.Store ?? new InMemoryKeyValueStore();
        _sandboxProvider = options.Sandboxes ?? new InMemorySandboxProvider();
        _time = options.TimeProvider;
        _logger = logger;
        _globalScope = options.GlobalScope;
        _replayCreateNetwork = new HashSet<string>(options.ReplayCreateNetwork, StringComparer.Ordinal);
        _pending = new PendingCalls(new DriverCallSender(_drivers, SandboxOptions), store, IsWanted, _time, options.PendingRetryLimit, logger);
        _journal = new OperationJournal(store, _pending, _drivers, _time, options.AfterStep, logger, options.StoreOutlivesProcess);
        _restorer = new StateRestorer(store, _sandboxProvider, _drivers, _journal, IsWanted, options.GlobalScope, logger);
        _drivers.Registered += OnDriverRegistered;
    }

    /// <summary>
    /// Creates a controller and initialises each driver module with a registrar. A built-in module that
    /// fails makes creation fail; a non-built-in module's failure is logged. Then the networks, endpoints
    /// and sandboxes in <see cref="ControllerOptions.Store"/> are restored, without calling any plugin.
    /// </summary>
    public static async Task<Controller> CreateAsync(ControllerOptions options, IEnumerable<IDriverModule> modules,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(modules);
        var controller = new Controller(options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Controller>());
        foreach (var module in modules)
        {
            try
            {
                await module.InitializeAsync(controller._drivers.RegistrarFor(module), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (module.IsBuiltIn && ex is not OperationCanceledException)
            {
                throw CnmException.Internal($"built-in driver module \"{module.Name}\" failed to initialise: {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ControlLog.ModuleFailed(controller._logger, module.Name, ex);
            }

            if (module is IDriverResolver resolver)
            {
                controller._drivers.AddResolver(resolver);
            }

            if (module is IDriverAvailability availability)
            {
                controller._availability.Add(availability);
            }

            if (module is IDefaultGatewayProvider gateway)
            {
                controller._gatewayProvider ??= gateway;
            }
        }

        controller._pending.Add(await controller._restorer.RestoreAsync(controller.Adopt, cancellationToken).ConfigureAwait(false));
        await controller.CleanUpSandboxesAsync(cancellationToken).ConfigureAwait(false);
        return controller;
    }

    /// <summary>Names of the registered network drivers.</summary>
    public IReadOnlyList<string> NetworkDrivers => [.. _drivers.NetworkDrivers.Select(d => d.Name).Order(StringComparer.Ordinal)];

    /// <summary>Names of the registered IPAM drivers.</summary>
    public IReadOnlyList<string> IpamDrivers => [.. _drivers.IpamDrivers.Select(d => d.Name).Order(StringComparer.Ordinal)];

    /// <summary>Runs a call whose failure must not stop the operation (clean-up); the failure is logged.</summary>
    private async Task BestEffortAsync(string what, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ControlLog.CleanupFailed(_logger, what, ex);
        }
    }

    private Rollback NewRollback() => new((what, ex) => ControlLog.UndoFailed(_logger, what, ex));

    /// <summary>Takes the restored objects into the tables (start-up, before any operation).</summary>
    private void Adopt(List<Network> networks, List<Endpoint> endpoints, List<Sandbox> sandboxes)
    {
        lock (_gate)
        {
            networks.ForEach(n => _networks.Add(n.Id, n));
            endpoints.ForEach(e => _endpoints.Add(e.Id, e));
            sandboxes.ForEach(s => _sandboxes.Add(s.Id, s));
        }
    }

    /// <summary>A table's objects that are not being created, by name.</summary>
    private List<T> Listed<T>(Dictionary<string, T> table, Func<T, ObjectState> state, Func<T, string> name)
    {
        lock (_gate)
        {
            return [.. table.Values.Where(v => state(v) != ObjectState.Creating).OrderBy(name, StringComparer.Ordinal)];
        }
    }

    /// <summary>Finds an object of a table by id, name or unique id prefix (<see cref="Resolve{T}"/>) under the lock.</summary>
    private T Find<T>(Dictionary<string, T> table, string reference, string kind, Func<T, string> name)
        where T : class
    {
        lock (_gate)
        {
            return Resolve(table, reference, kind, name);
        }
    }

    private static T Resolve<T>(Dictionary<string, T> map, string reference, string kind, Func<T, string> name)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw CnmException.InvalidParameter($"{kind} name or id must not be empty");
        }

        if (map.TryGetValue(reference, out var byId))
        {
            return byId;
        }

        var byName = map.Values.FirstOrDefault(v => name(v) == reference);
        if (byName is not null)
        {
            return byName;
        }

        var byPrefix = map.Where(p => p.Key.StartsWith(reference, StringComparison.Ordinal)).Take(2).ToList();
        return byPrefix.Count switch
        {
            1 => byPrefix[0].Value,
            0 => throw CnmException.NotFound($"{kind} {reference} not found"),
            _ => throw CnmException.InvalidParameter($"{kind} id prefix {reference} is ambiguous: it matches more than one {kind}"),
        };
    }
}
