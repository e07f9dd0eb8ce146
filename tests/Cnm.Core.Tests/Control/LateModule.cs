using Cnm.Core.Drivers;

namespace Cnm.Core.Tests.Control;

/// <summary>A resolver that registers the "fake" network driver only when first asked for it, as a plugin appears.</summary>
internal sealed class LateModule(INetworkDriver driver) : IDriverModule, IDriverResolver
{
    private IDriverRegistrar? _registrar;
    private int _resolutions;

    public string Name => "late";

    public bool IsBuiltIn => false;

    public int Resolutions => Volatile.Read(ref _resolutions);

    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        _registrar = registrar;
        return Task.CompletedTask;
    }

    public Task<bool> TryResolveNetworkDriverAsync(string name, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _resolutions);
        if (name != "fake")
        {
            return Task.FromResult(false);
        }

        _registrar!.RegisterNetworkDriver(name, driver, new DriverCapability(DriverScope.Local, DriverScope.Local));
        return Task.FromResult(true);
    }

    public Task<bool> TryResolveIpamDriverAsync(string name, CancellationToken cancellationToken) => Task.FromResult(false);
}
