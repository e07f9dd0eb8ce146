namespace Cnm.Core.Drivers.BuiltIn;

/// <summary>The drivers compiled into Cnm.Core: the <c>null</c> and <c>host</c> network drivers.</summary>
public sealed class BuiltInDriverModule : IDriverModule
{
    private static readonly DriverCapability LocalOnly = new(DriverScope.Local, DriverScope.Local);

    /// <inheritdoc />
    public string Name => "builtin";

    /// <inheritdoc />
    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.RegisterNetworkDriver(BuiltInDrivers.Null, new NoOpDriver(), LocalOnly);
        registrar.RegisterNetworkDriver(BuiltInDrivers.Host, new NoOpDriver(), LocalOnly);
        return Task.CompletedTask;
    }
}
