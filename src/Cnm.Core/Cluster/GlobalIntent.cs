using System.Text.Json.Serialization;

namespace Cnm.Core.Cluster;

/// <summary>
/// A global operation in flight, stored under its owning node (spec/cluster-membership.md, "Global intents"): what it
/// has claimed so far, and the key whose existence means it completed.
/// </summary>
/// <param name="Id">The intent's id (unique; a GUID).</param>
/// <param name="Node">The owning node.</param>
/// <param name="Operation">What it does, e.g. <c>endpoint-create</c>, for logs.</param>
/// <param name="Owner">The store key the operation writes when it completes (e.g. the endpoint's key).</param>
/// <param name="Claims">Claim keys written so far, each holding <see cref="Token"/>.</param>
/// <param name="Settling">Set by a sweep before it releases the claims: the owner can no longer claim or complete.</param>
public sealed record GlobalIntent(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Node")] string Node,
    [property: JsonPropertyName("Operation")] string Operation,
    [property: JsonPropertyName("Owner")] string Owner,
    [property: JsonPropertyName("Claims")] IReadOnlyList<string> Claims,
    [property: JsonPropertyName("Settling")] bool Settling = false)
{
    /// <summary>The value every claim key of this intent holds while the intent is open.</summary>
    [JsonIgnore]
    public string Token => Node + "/" + Id;
}
