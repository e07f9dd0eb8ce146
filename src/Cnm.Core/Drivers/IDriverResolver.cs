namespace Cnm.Core.Drivers;

/// <summary>
/// A module that can find drivers on demand: when a name is not registered, the controller asks each
/// resolver before failing. The remote module looks the plugin up and activates it; its registration
/// then arrives through the registrar.
/// </summary>
public interface IDriverResolver
{
    /// <summary>Tries to make a network driver called <paramref name="name"/> available; true if it may now be registered.</summary>
    Task<bool> TryResolveNetworkDriverAsync(string name, CancellationToken cancellationToken);

    /// <summary>Tries to make an IPAM driver called <paramref name="name"/> available.</summary>
    Task<bool> TryResolveIpamDriverAsync(string name, CancellationToken cancellationToken);
}
