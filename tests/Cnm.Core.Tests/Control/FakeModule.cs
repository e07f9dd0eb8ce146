using Cnm.Core.Drivers;
using Cnm.Core.Ipam;

namespace Cnm.Core.Tests.Control;

/// <summary>Registers a fake network driver and an IPAM under given names.</summary>
internal sealed class FakeModule(string driverName, INetworkDriver driver, string ipamName, IIpamDriver ipam,
    bool builtIn = false, IpamCapabilities? capabilities = null) : IDriverModule
{
    public string Name => "fake";

    public bool IsBuiltIn => builtIn;

    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        registrar.RegisterNetworkDriver(driverName, driver, new DriverCapability(DriverScope.Local, DriverScope.Local));
        registrar.RegisterIpamDriver(ipamName, ipam, capabilities ?? new IpamCapabilities(), new AddressSpaces("LocalDefault", "GlobalDefault"));
        return Task.CompletedTask;
    }
}
