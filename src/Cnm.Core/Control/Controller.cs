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
    private readonly IKeyValueStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, Task>? _afterStep;
    private readonly HashSet<string> _replayCreateNetwork;
    private readonly TimeSpan _pendingRetryLimit;

    private Controller(ControllerOptions options, ILogger logger)
    {
        _sandboxProvider = options.Sandboxes ?? new InMemorySandboxProvider();
        _store = options.Store ?? new InMemoryKeyValueStore();
        _time = options.TimeProvider;
        _logger = logger;
        _afterStep = options.AfterStep;
        _replayCreateNetwork = new HashSet<string>(options.ReplayCreateNetwork, StringComparer.Ordinal);
        _pendingRetryLimit = options.PendingRetryLimit > TimeSpan.Zero ? options.PendingRetryLimit : TimeSpan.FromMinutes(5);
        _owed = new OwedCalls(_time, _pendingRetryLimit);
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
                Log.ModuleFailed(controller._logger, module.Name, ex);
            }

            if (module is IDriverResolver resolver)
            {
                controller._drivers.AddResolver(resolver);
            }

            if (module is IDriverAvailability availability)
            {
                controller._availability.Add(availability);
            }
        }

        await controller.RestoreAsync(cancellationToken).ConfigureAwait(false);
        await controller.CleanUpSandboxesAsync(cancellationToken).ConfigureAwait(false);
        return controller;
    }

    /// <summary>Names of the registered network drivers.</summary>
    public IReadOnlyList<string> NetworkDrivers => [.. _drivers.NetworkDrivers.Select(d => d.Name).Order(StringComparer.Ordinal)];

    /// <summary>Names of the registered IPAM drivers.</summary>
    public IReadOnlyList<string> IpamDrivers => [.. _drivers.IpamDrivers.Select(d => d.Name).Order(StringComparer.Ordinal)];

    /// <summary>Runs a driver call and gives a failure a message that names the object and the step.</summary>
    private static async Task<T> DriverCallAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw DriverError(ex, what);
        }
    }

    private static async Task DriverCallAsync(string what, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw DriverError(ex, what);
        }
    }

    /// <summary>A driver's failure as a <see cref="CnmException"/> whose message starts with <paramref name="what"/>, keeping its category.</summary>
    private static CnmException DriverError(Exception error, string what) => error is CnmException cnm
        ? new CnmException(cnm.Category, $"{what}: {cnm.Message}", cnm)
        : CnmException.Internal($"{what}: {error.Message}", error);

    /// <summary>Runs a call whose failure must not stop the operation (clean-up); the failure is logged.</summary>
    private async Task BestEffortAsync(string what, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.CleanupFailed(_logger, what, ex);
        }
    }

    private Rollback NewRollback() => new((what, ex) => Log.UndoFailed(_logger, what, ex));

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
