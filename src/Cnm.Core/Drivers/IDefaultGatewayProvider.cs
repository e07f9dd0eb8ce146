namespace Cnm.Core.Drivers;

/// <summary>
/// An optional ability of a driver module: it provides the default gateway network, the reference's
/// <c>docker_gwbridge</c> (spec/bridge.md, "Default gateway network"). When a sandbox has an endpoint on a
/// network that could give it a gateway but no such endpoint's Join gave an IPv4 gateway, the controller creates
/// this network (once) and joins the sandbox to it, so that the sandbox still has a way out. Without a module
/// that provides it (in-memory sandboxes, no bridge driver), nothing of this happens.
/// </summary>
public interface IDefaultGatewayProvider
{
    /// <summary>
    /// The network to create and join, or null when the module cannot make one now (for example a bridge driver
    /// without a firewall). Must be cheap: no I/O.
    /// </summary>
    DefaultGatewayNetwork? DefaultGatewayNetwork { get; }
}
