using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>
/// The <c>DiscoveryData</c> of a <see cref="DiscoveryNotification"/> whose type is
/// <see cref="DiscoveryTypes.NodeDiscovery"/>. Every field is always written.
/// </summary>
/// <param name="Address">The node's address (the data-path address in swarm mode).</param>
/// <param name="BindAddress">The local address to bind to, or empty.</param>
/// <param name="Self">True when the node is the host sending the notification.</param>
public sealed record NodeDiscoveryData(
    [property: JsonPropertyName("Address")] string Address = "",
    [property: JsonPropertyName("BindAddress")] string BindAddress = "",
    [property: JsonPropertyName("Self")] bool Self = false);
