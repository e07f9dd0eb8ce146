using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Store;

namespace Cnm.Core.Persistence;

/// <summary>What kind of controller object a store key names.</summary>
public enum StoredObjectKind
{
    /// <summary>A network, under <c>cnm/v1/networks/</c>.</summary>
    Network,

    /// <summary>An endpoint, under <c>cnm/v1/endpoints/</c>.</summary>
    Endpoint,

    /// <summary>A sandbox, under <c>cnm/v1/sandboxes/</c>.</summary>
    Sandbox,
}

/// <summary>
/// The controller's network, endpoint and sandbox records for readers of the store's watch (cnmd's event stream):
/// which object a key names, and the object a stored value holds, decoded and checked as restore decodes it.
/// </summary>
public static class StoredObjects
{
    /// <summary>The prefix every controller record lives under (spec/store.md, "Key layout").</summary>
    public const string Prefix = StateKeys.Root;

    /// <summary>The prefixes of the network, endpoint and sandbox records: what a watch for these objects needs, and no intent.</summary>
    public static IReadOnlyList<string> ObjectPrefixes { get; } = [StateKeys.Networks, StateKeys.Endpoints, StateKeys.Sandboxes];

    /// <summary>The kind and id <paramref name="key"/> names, or false for any other key (intents, pending calls, unknown keys).</summary>
    public static bool TryParseKey(string key, out StoredObjectKind kind, out string id)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var (prefix, candidate) in Prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
            {
                kind = candidate;
                id = key[prefix.Length..];
                return true;
            }
        }

        kind = default;
        id = "";
        return false;
    }

    /// <summary>The network a stored value holds; an Internal <see cref="CnmException"/> when it cannot be decoded.</summary>
    public static Network DecodeNetwork(KeyValueEntry entry) => Checked(entry, StateMapping.ToNetwork, n => n.Id);

    /// <summary>The endpoint a stored value holds; an Internal <see cref="CnmException"/> when it cannot be decoded.</summary>
    public static Endpoint DecodeEndpoint(KeyValueEntry entry) => Checked(entry, StateMapping.ToEndpoint, e => e.Id);

    /// <summary>The sandbox a stored value holds; an Internal <see cref="CnmException"/> when it cannot be decoded.</summary>
    public static Sandbox DecodeSandbox(KeyValueEntry entry) => Checked(entry, StateMapping.ToSandbox, s => s.Id);

    private static readonly (string Prefix, StoredObjectKind Kind)[] Prefixes =
        [(StateKeys.Networks, StoredObjectKind.Network), (StateKeys.Endpoints, StoredObjectKind.Endpoint), (StateKeys.Sandboxes, StoredObjectKind.Sandbox)];

    private static T Checked<T>(KeyValueEntry entry, Func<string, ReadOnlyMemory<byte>, T> decode, Func<T, string> id)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var value = decode(entry.Key, entry.Value);
        return TryParseKey(entry.Key, out _, out var keyId) && keyId == id(value)
            ? value
            : throw CnmException.Internal($"store record {entry.Key} holds id {id(value)}, not the id its key names");
    }
}
