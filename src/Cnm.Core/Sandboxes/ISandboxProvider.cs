using Cnm.Core.Model;

namespace Cnm.Core.Sandboxes;

/// <summary>
/// The operating-system side of sandboxes. In memory for now; the Linux implementation creates network
/// namespaces and moves interfaces.
/// </summary>
public interface ISandboxProvider
{
    /// <summary>Creates the sandbox and returns its key (namespace path).</summary>
    Task<string> CreateAsync(string sandboxId, SandboxCreateOptions options, CancellationToken cancellationToken);

    /// <summary>Moves the joined endpoint's interface in and configures it.</summary>
    Task AddInterfaceAsync(string key, Endpoint endpoint, JoinResult join, CancellationToken cancellationToken);

    /// <summary>Moves the endpoint's interface out again.</summary>
    Task RemoveInterfaceAsync(string key, Endpoint endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the joined endpoint's interface in and configures it, saying whether the endpoint is (becomes) the
    /// sandbox's gateway endpoint: when <paramref name="gateway"/> is true its <see cref="JoinResult.Gateway"/> and
    /// <see cref="JoinResult.GatewayIPv6"/> become the sandbox's default routes. Providers that keep no routes
    /// ignore it (the default forwards to the overload without it, which decides by itself).
    /// </summary>
    Task AddInterfaceAsync(string key, Endpoint endpoint, JoinResult join, bool gateway, CancellationToken cancellationToken) =>
        AddInterfaceAsync(key, endpoint, join, cancellationToken);

    /// <summary>
    /// Moves the endpoint's interface out again; when it was the gateway endpoint, <paramref name="nextGateway"/>
    /// (the next gateway endpoint, joined to the same sandbox, with its <see cref="Endpoint.Join"/>) takes the default
    /// routes over. Null when the gateway does not change or no endpoint is left to take it.
    /// </summary>
    Task RemoveInterfaceAsync(string key, Endpoint endpoint, Endpoint? nextGateway, CancellationToken cancellationToken) =>
        RemoveInterfaceAsync(key, endpoint, cancellationToken);

    /// <summary>
    /// Takes back a sandbox restored from the store at start-up (spec/store.md, "Restore at start-up"),
    /// with the endpoints joined to it, so that later joins, leaves and the delete find it.
    /// </summary>
    Task RestoreAsync(Sandbox sandbox, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="RestoreAsync(Sandbox, CancellationToken)"/>, given also the endpoints joined to the sandbox, in the
    /// sandbox's join order, each with the <see cref="Endpoint.Join"/> answer the state holds. A provider that
    /// configures the kernel uses them to give the state's gateway endpoint its default routes back (a join a kill -9
    /// cut short may have taken them) and to hand the gateway over on a later leave.
    /// </summary>
    Task RestoreAsync(Sandbox sandbox, IReadOnlyList<Endpoint> joined, CancellationToken cancellationToken) =>
        RestoreAsync(sandbox, cancellationToken);

    /// <summary>
    /// Whether the sandbox's operating-system object (its namespace) still exists, for start-up clean-up of a sandbox
    /// restored from the store. Providers without such objects answer true (the default).
    /// </summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>
    /// Removes the sandboxes the provider finds on the system that are not among <paramref name="knownKeys"/> (left by a
    /// crash, or by another state file), and returns their keys. The default finds none.
    /// </summary>
    Task<IReadOnlyList<string>> RemoveUnknownAsync(IReadOnlyCollection<string> knownKeys, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Removes the sandbox.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
