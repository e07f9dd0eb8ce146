using System.Text.Json;

namespace Cnm.Core.Drivers;

/// <summary>A driver that wants discovery notifications (multi-host drivers).</summary>
public interface IDiscoveryDriver
{
    /// <summary>Something appeared, e.g. a node (type 1).</summary>
    Task DiscoverNewAsync(int discoveryType, JsonElement data, CancellationToken cancellationToken);

    /// <summary>Something went away.</summary>
    Task DiscoverDeleteAsync(int discoveryType, JsonElement data, CancellationToken cancellationToken);
}
