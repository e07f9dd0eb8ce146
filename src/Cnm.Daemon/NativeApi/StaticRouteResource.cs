namespace Cnm.Daemon.NativeApi;

/// <summary>A static route from a driver's Join answer; <c>Type</c> is <c>nexthop</c> or <c>connected</c>.</summary>
internal sealed record StaticRouteResource(string Destination, string Type, string? NextHop);
