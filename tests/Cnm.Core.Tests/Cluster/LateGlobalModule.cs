using Cnm.Core.Drivers;
using Cnm.Core.Tests.Control;

namespace Cnm.Core.Tests.Cluster;

/// <summary>
/// A global-scope network driver "glate" registered only when resolved (as a plugin is activated on first use) or when
/// <see cref="Appear"/> registers it (as discovery activates a plugin). While <see cref="Available"/> is false, resolving it
/// fails, as for a plugin that is not there.
/// </summary>
internal sealed class LateGlobalModule(FakeNetworkDriver driver) : IDriverModule, IDriverResolver
{
    public const string DriverName = "glate";

    private IDriverRegistrar? _registrar;

    public bool Available { get; set; } = true;

    public string Name => "late-global";

    public bool IsBuiltIn => false;

    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        _registrar = registrar;
        return Task.CompletedTask;
    }

    /// <summary>Registers the driver now, as a plugin's activation by discovery does.</summary>
    public void Appear()
    {
        Available = true;
        Register();
    }

    public Task<bool> TryResolveNetworkDriverAsync(string name, CancellationToken cancellationToken)
    {
        if (name != DriverName || !Available)
        {
            return Task.FromResult(false);
        }

        Register();
        return Task.FromResult(true);
    }

    public Task<bool> TryResolveIpamDriverAsync(string name, CancellationToken cancellationToken) => Task.FromResult(false);

    private void Register() =>
        _registrar!.RegisterNetworkDriver(DriverName, driver, new DriverCapability(DriverScope.Global, DriverScope.Global));
}
