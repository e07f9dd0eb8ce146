namespace Cnm.Core.Drivers;

/// <summary>A global-scope driver that allocates network-wide resources once, before CreateNetwork on each host.</summary>
public interface INetworkAllocator
{
    /// <summary>Allocates; the returned options are passed to CreateNetwork.</summary>
    Task<IReadOnlyDictionary<string, string>> AllocateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken);

    /// <summary>Frees what <see cref="AllocateNetworkAsync"/> allocated.</summary>
    Task FreeNetworkAsync(string networkId, CancellationToken cancellationToken);
}
