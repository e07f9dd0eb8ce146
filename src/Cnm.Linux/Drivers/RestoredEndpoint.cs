using System.Net.NetworkInformation;
using Cnm.Core.Model;
using Cnm.Core.Net;

namespace Cnm.Linux.Drivers;

/// <summary>An endpoint of a built-in Linux driver as the controller's state has it, for restore at start-up.</summary>
/// <param name="Id">The endpoint id.</param>
/// <param name="NetworkId">Its network.</param>
/// <param name="Address">Its IPv4 address.</param>
/// <param name="AddressIPv6">Its IPv6 address.</param>
/// <param name="MacAddress">Its MAC.</param>
/// <param name="Joined">Whether it is joined to a sandbox (its interface is in the sandbox then, not in the host namespace).</param>
/// <param name="PortBindings">
/// The sandbox's published ports when the endpoint is its sandbox's gateway endpoint (the one that got
/// ProgramExternalConnectivity); null otherwise.
/// </param>
public sealed record RestoredEndpoint(string Id, string NetworkId, IpPrefix? Address, IpPrefix? AddressIPv6, PhysicalAddress? MacAddress, bool Joined,
    IReadOnlyList<PortBinding>? PortBindings = null);
