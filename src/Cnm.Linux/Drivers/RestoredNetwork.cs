using Cnm.Core.Net;

namespace Cnm.Linux.Drivers;

/// <summary>A network of a built-in Linux driver as the controller's state has it, for restore at start-up.</summary>
/// <param name="Id">The network id.</param>
/// <param name="DriverOptions">Its driver options.</param>
/// <param name="Internal">Whether it is <c>--internal</c>.</param>
/// <param name="Gateways">Its gateways with their prefix lengths.</param>
/// <param name="Subnets">Its pools.</param>
public sealed record RestoredNetwork(string Id, IReadOnlyDictionary<string, string> DriverOptions, bool Internal,
    IReadOnlyList<IpPrefix> Gateways, IReadOnlyList<IpPrefix> Subnets);
