using System.Text.Json;

namespace Cnm.Core.Drivers;

/// <summary>A driver that programs external connectivity (port mappings) for a sandbox's gateway endpoint.</summary>
public interface IExternalConnectivityDriver
{
    /// <summary>Sets up external connectivity for the endpoint that became the sandbox's gateway.</summary>
    Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options,
        CancellationToken cancellationToken);

    /// <summary>Removes it again.</summary>
    Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken);
}
