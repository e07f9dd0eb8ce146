using Cnm.Core.Drivers;
using Cnm.Core.Ipam;

namespace Cnm.Core.Control;

/// <summary>
/// Network and IPAM drivers by name, one <see cref="DriverTable{T}"/> each, and the resolvers that find drivers not
/// registered yet. Entries may change at runtime (plugins come and go); readers copy the entry under the lock and call
/// the driver outside it (docs/style.md, registries).
/// </summary>
internal sealed class DriverRegistry
{
    private readonly Lock _gate = new();
    private readonly List<IDriverResolver> _resolvers = [];
    private readonly DriverTable<NetworkDriverEntry> _network = new("network", (r, name, ct) => r.TryResolveNetworkDriverAsync(name, ct));
    private readonly DriverTable<IpamDriverEntry> _ipam = new("IPAM", (r, name, ct) => r.TryResolveIpamDriverAsync(name, ct));

    /// <summary>Raised after a driver is registered (again), outside the lock, with its name and whether it is a network driver (else IPAM).</summary>
    public event Action<string, bool>? Registered;

    public IReadOnlyList<NetworkDriverEntry> NetworkDrivers => _network.All;

    public IReadOnlyList<IpamDriverEntry> IpamDrivers => _ipam.All;

    public void AddResolver(IDriverResolver resolver)
    {
        lock (_gate)
        {
            _resolvers.Add(resolver);
        }
    }

    public IDriverRegistrar RegistrarFor(IDriverModule module) => new Registrar(this, module.IsBuiltIn);

    public NetworkDriverEntry? FindNetworkDriver(string name) => _network.Find(name);

    public IpamDriverEntry? FindIpamDriver(string name) => _ipam.Find(name);

    public Task<NetworkDriverEntry> GetNetworkDriverAsync(string name, CancellationToken cancellationToken) =>
        _network.GetAsync(name, Resolvers(), cancellationToken);

    public Task<IpamDriverEntry> GetIpamDriverAsync(string name, CancellationToken cancellationToken) =>
        _ipam.GetAsync(name, Resolvers(), cancellationToken);

    /// <summary>
    /// Asks the resolvers for the driver even when one of that name is registered (<see cref="DriverTable{T}.ResolveAgainAsync"/>):
    /// a plugin module's lookup waits for an activation in flight and activates a plugin whose socket or spec file is
    /// there (one that went away and came back, say), and fails at once when there is none.
    /// </summary>
    public Task ResolveNetworkDriverAgainAsync(string name, CancellationToken cancellationToken) =>
        _network.ResolveAgainAsync(name, Resolvers(), cancellationToken);

    /// <inheritdoc cref="ResolveNetworkDriverAgainAsync"/>
    public Task ResolveIpamDriverAgainAsync(string name, CancellationToken cancellationToken) =>
        _ipam.ResolveAgainAsync(name, Resolvers(), cancellationToken);

    private IDriverResolver[] Resolvers()
    {
        lock (_gate)
        {
            return [.. _resolvers];
        }
    }

    private sealed class Registrar(DriverRegistry registry, bool builtIn) : IDriverRegistrar
    {
        public void RegisterNetworkDriver(string name, INetworkDriver driver, DriverCapability capability)
        {
            ArgumentNullException.ThrowIfNull(driver);
            ArgumentNullException.ThrowIfNull(capability);
            registry._network.Register(new NetworkDriverEntry(name, driver, capability, builtIn));
            registry.Registered?.Invoke(name, true);
        }

        public void RegisterIpamDriver(string name, IIpamDriver driver, IpamCapabilities capabilities, AddressSpaces addressSpaces)
        {
            ArgumentNullException.ThrowIfNull(driver);
            ArgumentNullException.ThrowIfNull(capabilities);
            ArgumentNullException.ThrowIfNull(addressSpaces);
            registry._ipam.Register(new IpamDriverEntry(name, driver, capabilities, addressSpaces, builtIn));
            registry.Registered?.Invoke(name, false);
        }
    }
}
