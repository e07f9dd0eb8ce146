using Cnm.Core.Ipam;

namespace Cnm.Core.Control;

/// <summary>A registered IPAM driver.</summary>
internal sealed record IpamDriverEntry(string Name, IIpamDriver Driver, IpamCapabilities Capabilities,
    AddressSpaces AddressSpaces, bool IsBuiltIn) : IDriverEntry;
