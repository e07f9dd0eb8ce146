using Cnm.Core.Net;

namespace Cnm.Linux.Drivers.Macvlan;

/// <summary>What the macvlan driver keeps about one network: its parent link and gateways.</summary>
internal sealed record MacvlanNetworkState(string Id, MacvlanConfig Config, string ParentName, IReadOnlyList<IpPrefix> Gateways);
