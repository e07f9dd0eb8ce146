namespace Cnm.Core.Model;

/// <summary>
/// Whether a network's drivers can serve it now: ready, or waiting for the plugins named in
/// <see cref="WaitingFor"/> (a network driver or IPAM driver that is not registered yet, or a plugin that is
/// gone). A waiting network becomes ready by itself when its plugin appears (spec/store.md, "Restore at start-up").
/// </summary>
public sealed record NetworkAvailability
{
    /// <summary>A network whose drivers are all there.</summary>
    public static NetworkAvailability Ready { get; } = new();

    /// <summary>True when nothing is missing.</summary>
    public bool IsReady => WaitingFor.Count == 0;

    /// <summary>The plugins the network waits for, network driver first; empty when ready.</summary>
    public IReadOnlyList<string> WaitingFor { get; init; } = [];

    /// <summary>
    /// For a waiting network, what is missing and why, such as <c>waiting for plugin "p" (network driver and IPAM
    /// driver): …</c>; empty when ready.
    /// </summary>
    public string Message { get; init; } = "";
}
