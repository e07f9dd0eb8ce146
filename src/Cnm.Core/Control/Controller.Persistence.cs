using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Commits the one store transaction of a successful operation. A failure is logged and raised as an
    /// Unavailable error whose message starts with <paramref name="what"/>; the caller then undoes the
    /// operation (or keeps the object as the store still has it), so memory and store never disagree.
    /// </summary>
    /// <remarks>
    /// The caller's token is not passed: once the drivers have done their part, a cancelled request
    /// should not turn into an undo for the sake of a commit that takes milliseconds.
    /// </remarks>
    private async Task CommitAsync(string what, StoreTransaction transaction)
    {
        try
        {
            await _store.CommitAsync(transaction, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.StoreFailed(_logger, what, ex);
            throw CnmException.Unavailable($"{what}: the state store could not record it ({ex.Message})");
        }
    }

    private static StoreTransaction PutNetwork(Network network) =>
        new StoreTransaction().Put(StateKeys.Network(network.Id), StateMapping.Serialize(network));

    private static StoreTransaction PutEndpoint(Endpoint endpoint) =>
        new StoreTransaction().Put(StateKeys.Endpoint(endpoint.Id), StateMapping.Serialize(endpoint));

    private static StoreTransaction PutSandbox(Sandbox sandbox) =>
        new StoreTransaction().Put(StateKeys.Sandbox(sandbox.Id), StateMapping.Serialize(sandbox));

    private static StoreTransaction PutJoin(Endpoint endpoint, Sandbox sandbox) =>
        PutEndpoint(endpoint).Put(StateKeys.Sandbox(sandbox.Id), StateMapping.Serialize(sandbox));
}
