using System.Runtime.Versioning;
using Cnm.Daemon.Hosting;

[assembly: SupportedOSPlatform("linux")]

return await DaemonHost.RunAsync(args).ConfigureAwait(false);
