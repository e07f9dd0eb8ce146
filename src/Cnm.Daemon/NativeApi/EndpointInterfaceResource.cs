namespace Cnm.Daemon.NativeApi;

/// <summary>An endpoint's one interface: addresses with prefix length, and MAC; unset parts are left out.</summary>
internal sealed record EndpointInterfaceResource(string? Address, string? AddressIPv6, string? MacAddress);
