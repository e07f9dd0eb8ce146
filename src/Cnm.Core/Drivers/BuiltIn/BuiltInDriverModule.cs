using Cnm.Core.Ipam;

namespace Cnm.Core.Drivers.BuiltIn;

/// <summary>
/// The drivers compiled into Cnm.Core: the <c>null</c> and <c>host</c> network drivers, and the
/// <c>default</c> and <c>null</c> IPAM drivers.
/// </summary>
public sealed class BuiltInDriverModule : IDriverModule
{
    private static readonly DriverCapability LocalOnly = new(DriverScope.Local, DriverScope.Local);

    /// <summary>Creates the module; <paramref name="defaultIpam"/> replaces the default IPAM (tests pass one they can inspect).</summary>
    public BuiltInDriverModule(IIpamDriver? defaultIpam = null) => DefaultIpam = defaultIpam ?? BuiltInIpams.CreateDefault();

    /// <summary>The IPAM registered as <c>default</c>; it also implements <see cref="IIpamUsage"/>.</summary>
    public IIpamDriver DefaultIpam { get; }

    /// <inheritdoc />
    public string Name => "builtin";

    /// <inheritdoc />
    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.RegisterNetworkDriver(BuiltInDrivers.Null, new NoOpDriver(), LocalOnly);
        registrar.RegisterNetworkDriver(BuiltInDrivers.Host, new NoOpDriver(), LocalOnly);
        registrar.RegisterIpamDriver(BuiltInIpams.Default, DefaultIpam, BuiltInIpams.DefaultCapabilities,
            new AddressSpaces(BuiltInIpams.LocalDefaultSpace, BuiltInIpams.GlobalDefaultSpace));
        registrar.RegisterIpamDriver(BuiltInIpams.Null, BuiltInIpams.CreateNull(), BuiltInIpams.NullCapabilities,
            new AddressSpaces(BuiltInIpams.NullSpace, BuiltInIpams.NullSpace));
        return Task.CompletedTask;
    }
}
