using System.Runtime.Versioning;
using Cnm.Daemon.Hosting;

[assembly: SupportedOSPlatform("linux")]

// Before any socket is used: System.Net.Sockets reads this once, when its event engine starts. Socket completions then
// run on the event thread instead of a hop to the thread pool; the user's own setting (0 turns it off) wins.
// spec/performance.md, "Fewer thread hops per plugin call".
if (Environment.GetEnvironmentVariable(DaemonHost.InlineCompletionsVariable) is null)
{
    Environment.SetEnvironmentVariable(DaemonHost.InlineCompletionsVariable, "1");
}

return await DaemonHost.RunAsync(args).ConfigureAwait(false);
