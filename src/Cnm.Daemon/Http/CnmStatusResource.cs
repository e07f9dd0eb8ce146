using Cnm.Core.Model;

namespace Cnm.Daemon.Http;

/// <summary>
/// Cnm's own status of a network: <c>ready</c>, or <c>waiting</c> for the plugins in <c>Plugins</c>, with
/// <c>Message</c> saying what is missing and why (spec/daemon-api.md, "Network status"). A network answer carries it
/// as <c>CnmStatus</c>, not <c>Status</c>, which newer Docker uses for IPAM subnet usage.
/// </summary>
internal sealed record CnmStatusResource(string State, List<string>? Plugins = null, string? Message = null)
{
    public const string Ready = "ready";

    public const string Waiting = "waiting";

    public static CnmStatusResource From(NetworkAvailability availability) => availability.IsReady
        ? new CnmStatusResource(Ready)
        : new CnmStatusResource(Waiting, [.. availability.WaitingFor], availability.Message);
}
