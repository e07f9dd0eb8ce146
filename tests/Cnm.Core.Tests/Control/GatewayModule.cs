using Cnm.Core.Drivers;

namespace Cnm.Core.Tests.Control;

/// <summary>
/// A built-in module with one network driver ("gwfake") that offers itself as the default gateway network, as the Linux
/// module offers <c>cnm_gwbridge</c> over its bridge driver.
/// </summary>
internal sealed class GatewayModule(INetworkDriver driver) : IDriverModule, IDefaultGatewayProvider
{
    public const string Network = "cnm_gwbridge";
    public const string Driver = "gwfake";

    public string Name => "gateway";

    public DefaultGatewayNetwork? DefaultGatewayNetwork { get; } =
        new(Network, Driver, new Dictionary<string, string>(StringComparer.Ordinal) { ["com.docker.network.bridge.enable_icc"] = "false" });

    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        registrar.RegisterNetworkDriver(Driver, driver, new DriverCapability(DriverScope.Local, DriverScope.Local));
        return Task.CompletedTask;
    }
}
