using Cnm.Linux.Netlink;
using Cnm.Plugins.Sdk;
using Cnm.Plugins.Sdk.Hosting;
using Cnm.Samples.BridgeNetwork;

// Usage: Cnm.Samples.BridgeNetwork [--name sample-bridge] [--socket-dir /run/docker/plugins] [--netns PATH]
// --netns: the network namespace its bridges and veths are made in (default its own, which is the host's when it
// runs with host networking). Needs CAP_NET_ADMIN there. Under systemd socket activation (LISTEN_FDS) it serves the
// inherited socket instead of creating one.
var builder = WebApplication.CreateSlimBuilder(args);
var name = builder.Configuration["name"] ?? "sample-bridge";
builder.ListenPluginSocket(name, o => o.Directory = builder.Configuration["socket-dir"] ?? PluginSocketOptions.DefaultDirectory);

var netns = builder.Configuration["netns"];
using var netlink = string.IsNullOrEmpty(netns)
    ? NetlinkClient.Open()
    : await NetlinkClient.OpenAsync(netns, CancellationToken.None).ConfigureAwait(false);
var app = builder.Build();
app.MapNetworkDriver(new BridgeNetworkDriver(netlink));
await app.RunAsync().ConfigureAwait(false);
