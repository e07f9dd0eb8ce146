using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;

namespace Cnm.Core.Control;

/// <summary>
/// Network and IPAM drivers by name. Entries may change at runtime (plugins come and go); readers copy
/// the entry under the lock and call the driver outside it (docs/style.md, registries).
/// </summary>
internal sealed class DriverRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, NetworkDriverEntry> _networkDrivers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IpamDriverEntry> _ipamDrivers = new(StringComparer.Ordinal);
    private readonly List<IDriverResolver> _resolvers = [];

    public void AddResolver(IDriverResolver resolver)
    {
        lock (_gate)
        {
            _resolvers.Add(resolver);
        }
    }

    public IDriverRegistrar RegistrarFor(IDriverModule module) => new Registrar(this, module.IsBuiltIn);

    public IReadOnlyList<NetworkDriverEntry> NetworkDrivers
    {
        get
        {
            lock (_gate)
            {
                return [.. _networkDrivers.Values];
            }
        }
    }

    public IReadOnlyList<IpamDriverEntry> IpamDrivers
    {
        get
        {
            lock (_gate)
            {
                return [.. _ipamDrivers.Values];
            }
        }
    }

    /// <summary>Raised after a driver is registered (again), outside the lock, with its name and whether it is a network driver (else IPAM).</summary>
    public event Action<string, bool>? Registered;

    public NetworkDriverEntry? FindNetworkDriver(string name) => TryGet(_networkDrivers, name);

    public IpamDriverEntry? FindIpamDriver(string name) => TryGet(_ipamDrivers, name);

    public async Task<NetworkDriverEntry> GetNetworkDriverAsync(string name, CancellationToken cancellationToken)
    {
        if (TryGet(_networkDrivers, name) is { } entry)
        {
            return entry;
        }

        foreach (var resolver in Resolvers())
        {
            if (await resolver.TryResolveNetworkDriverAsync(name, cancellationToken).ConfigureAwait(false)
                && TryGet(_networkDrivers, name) is { } resolved)
            {
                return resolved;
            }
        }

        throw CnmException.NotFound($"network driver \"{name}\" not found: it is not built in and no plugin of that name is registered");
    }

    public async Task<IpamDriverEntry> GetIpamDriverAsync(string name, CancellationToken cancellationToken)
    {
        if (TryGet(_ipamDrivers, name) is { } entry)
        {
            return entry;
        }

        foreach (var resolver in Resolvers())
        {
            if (await resolver.TryResolveIpamDriverAsync(name, cancellationToken).ConfigureAwait(false)
                && TryGet(_ipamDrivers, name) is { } resolved)
            {
                return resolved;
            }
        }

        throw CnmException.NotFound($"IPAM driver \"{name}\" not found: it is not built in and no plugin of that name is registered");
    }

    private IDriverResolver[] Resolvers()
    {
        lock (_gate)
        {
            return [.. _resolvers];
        }
    }

    private T? TryGet<T>(Dictionary<string, T> map, string name) where T : class
    {
        lock (_gate)
        {
            return map.GetValueOrDefault(name);
        }
    }

    private void Register<T>(Dictionary<string, T> map, string kind, string name, T entry, bool builtIn, Func<T, bool> isBuiltIn)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw CnmException.InvalidParameter($"{kind} driver name must not be empty");
        }

        lock (_gate)
        {
            if (map.TryGetValue(name, out var existing) && isBuiltIn(existing))
            {
                throw CnmException.Forbidden(
                    $"{kind} driver \"{name}\" is built in; {(builtIn ? "it is already registered" : "a plugin may not replace it")}");
            }

            map[name] = entry;
        }

        Registered?.Invoke(name, ReferenceEquals(map, _networkDrivers));
    }

    private sealed class Registrar(DriverRegistry registry, bool builtIn) : IDriverRegistrar
    {
        public void RegisterNetworkDriver(string name, INetworkDriver driver, DriverCapability capability)
        {
            ArgumentNullException.ThrowIfNull(driver);
            ArgumentNullException.ThrowIfNull(capability);
            registry.Register(registry._networkDrivers, "network", name, new NetworkDriverEntry(name, driver, capability, builtIn),
                builtIn, e => e.IsBuiltIn);
        }

        public void RegisterIpamDriver(string name, IIpamDriver driver, IpamCapabilities capabilities, AddressSpaces addressSpaces)
        {
            ArgumentNullException.ThrowIfNull(driver);
            ArgumentNullException.ThrowIfNull(capabilities);
            ArgumentNullException.ThrowIfNull(addressSpaces);
            registry.Register(registry._ipamDrivers, "IPAM", name,
                new IpamDriverEntry(name, driver, capabilities, addressSpaces, builtIn), builtIn, e => e.IsBuiltIn);
        }
    }
}
