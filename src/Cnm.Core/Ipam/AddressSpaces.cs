namespace Cnm.Core.Ipam;

/// <summary>The default address spaces of an IPAM driver.</summary>
/// <param name="Local">Used by local-scope networks.</param>
/// <param name="Global">Used by global-scope networks.</param>
public sealed record AddressSpaces(string Local, string Global);
