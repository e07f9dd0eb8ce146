using Cnm.Core.Drivers;
using Cnm.Core.Tests.Control;

namespace Cnm.Core.Tests.Cluster;

/// <summary>Registers a fake network driver of global scope ("gfake") and one of local scope ("lfake").</summary>
internal sealed class GlobalModule(FakeNetworkDriver global, FakeNetworkDriver local) : IDriverModule
{
    public string Name => "global-fake";

    public bool IsBuiltIn => false;

    public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
    {
        registrar.RegisterNetworkDriver("gfake", global, new DriverCapability(DriverScope.Global, DriverScope.Global));
        registrar.RegisterNetworkDriver("lfake", local, new DriverCapability(DriverScope.Local, DriverScope.Local));
        return Task.CompletedTask;
    }
}
