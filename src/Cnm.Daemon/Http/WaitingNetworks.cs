using Cnm.Core.Control;
using Cnm.Core.Errors;

namespace Cnm.Daemon.Http;

/// <summary>
/// Runs a route's driver operation on a network; when it fails because the network is waiting for its plugin,
/// the error says so (<see cref="Controller.ExplainWaiting"/>, spec/daemon-api.md, "Network status").
/// </summary>
internal static class WaitingNetworks
{
    public static async Task<T> OnNetworkAsync<T>(this Controller controller, string networkId, Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (CnmException ex) when (Explain(controller, networkId, ex) is { } explained)
        {
            throw explained;
        }
    }

    public static Task OnNetworkAsync(this Controller controller, string networkId, Func<Task> operation) =>
        controller.OnNetworkAsync(networkId, async () =>
        {
            await operation().ConfigureAwait(false);
            return true;
        });

    private static CnmException? Explain(Controller controller, string networkId, CnmException error)
    {
        try
        {
            var explained = controller.ExplainWaiting(controller.GetNetwork(networkId), error);
            return ReferenceEquals(explained, error) ? null : explained;
        }
        catch (CnmException)
        {
            return null; // the network is gone meanwhile: the original error stands
        }
    }
}
