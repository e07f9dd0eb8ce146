using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>
/// Body of <c>NetworkDriver.DiscoverNew</c> and <c>NetworkDriver.DiscoverDelete</c>.
/// Every member is written, a null one as <c>null</c>, as Go's encoder does.
/// </summary>
/// <param name="DiscoveryType">What was discovered; only <see cref="DiscoveryTypes.NodeDiscovery"/> is sent.</param>
/// <param name="DiscoveryData">
/// The data, any JSON; for node discovery a <see cref="NodeDiscoveryData"/> object.
/// </param>
public sealed record DiscoveryNotification(
    [property: JsonPropertyName("DiscoveryType")] int DiscoveryType,
    [property: JsonPropertyName("DiscoveryData")] JsonElement? DiscoveryData);
