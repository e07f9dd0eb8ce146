using Cnm.Plugins.Sdk;
using Cnm.Plugins.Sdk.Hosting;
using Cnm.Samples.FileIpam;

// Usage: Cnm.Samples.FileIpam [--name file-ipam] [--state /var/lib/cnm-file-ipam/state.json]
//        [--socket-dir /run/docker/plugins] [--require-mac]
// Under systemd socket activation (LISTEN_FDS) it serves the inherited socket instead of creating one.
var requireMac = args.Contains("--require-mac");
var builder = WebApplication.CreateSlimBuilder([.. args.Where(a => a != "--require-mac")]);
var name = builder.Configuration["name"] ?? "file-ipam";
var state = builder.Configuration["state"] ?? "/var/lib/cnm-file-ipam/state.json";
builder.ListenPluginSocket(name, o => o.Directory = builder.Configuration["socket-dir"] ?? PluginSocketOptions.DefaultDirectory);

using var driver = new FileIpamDriver(state, requireMac);
var app = builder.Build();
app.MapIpamDriver(driver);
await app.RunAsync().ConfigureAwait(false);
