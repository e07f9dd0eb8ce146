namespace Cnm.DaemonBench;

/// <summary><c>POST /networks/create</c> then <c>DELETE /networks/{id}</c>, the plugin as network driver and IPAM.</summary>
internal sealed class NetworkScenario : Scenario
{
    public override string Name => "network";

    public override string Description => "network create + delete (POST /v1.41/networks/create, DELETE /v1.41/networks/{id})";

    public override async Task CycleAsync(BenchTarget target, int index, HttpClient client, string tag, string driver)
    {
        var id = await DaemonApi.CreateNetworkAsync(client, "n" + tag, driver).ConfigureAwait(false);
        await DaemonApi.DeleteNetworkAsync(client, id).ConfigureAwait(false);
    }
}
