using Cnm.Store.Tests;
using Cnm.Store.Tests.Cluster;

// Run by the crash tests as `dotnet Cnm.Store.Tests.dll crash-writer <state file> <first index>`, and by KilledNodeTests as
// `dotnet Cnm.Store.Tests.dll cluster-node <endpoints> <prefix> <name> <address> <ttl seconds>`; the test host never calls it.
return args switch
{
    ["crash-writer", var path, var first] => await CrashWriter.RunAsync(path, int.Parse(first, System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false),
    ["cluster-node", var endpoints, var prefix, var name, var address, var ttl] =>
        await KilledNode.RunAsync(endpoints, prefix, name, address, int.Parse(ttl, System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false),
    _ => 2,
};
