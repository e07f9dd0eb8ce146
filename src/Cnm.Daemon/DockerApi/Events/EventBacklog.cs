using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Daemon.DockerApi.Events;

/// <summary>
/// The store changes <see cref="NetworkEventSource"/> holds back while no <c>GET /events</c> client listens, each with
/// the time it arrived, so that a later subscriber still finds the last <see cref="EventHub.Kept"/> events as they
/// would have been published (spec/daemon-api.md, "GET /events"). Decoding a record is what costs; this class decodes
/// nothing. It marks the changes that certainly make an event without being decoded (a network appearing or going),
/// so that once <see cref="Limit"/> changes are held, everything older than the last <see cref="EventHub.Kept"/>
/// certain events can be folded into the view without events: those events would have left the kept window anyway.
/// Not thread-safe: the source's gate guards it.
/// </summary>
internal sealed class EventBacklog
{
    /// <summary>How many changes are held before the older ones are folded.</summary>
    public const int Limit = 1024;

    private readonly List<Item> _items = [];

    // The network ids present once every held change is applied: whether a network change is a create or a destroy.
    private readonly HashSet<string> _networks = new(StringComparer.Ordinal);

    /// <summary>One held change; <paramref name="Certain"/> when it makes an event whatever the record holds.</summary>
    public readonly record struct Item(WatchEvent Change, StoredObjectKind Kind, string Id, DateTimeOffset Time, bool Certain);

    public int Count => _items.Count;

    /// <summary>Holds a change; <paramref name="view"/> is the state before the first held change.</summary>
    public void Add(WatchEvent change, StoredObjectKind kind, string id, DateTimeOffset time, StoredView view)
    {
        if (_items.Count == 0)
        {
            _networks.Clear();
            _networks.UnionWith(view.NetworkIds);
        }

        // A network record that cannot be decoded is counted as present here and not in the view; such a record is
        // already a logged store fault, and it can at worst fold one event too many out of the kept window.
        var certain = kind == StoredObjectKind.Network
            && (change.Type == WatchEventType.Delete ? _networks.Remove(id) : _networks.Add(id));
        _items.Add(new Item(change, kind, id, time, certain));
    }

    /// <summary>Every held change, oldest first; the backlog is empty afterwards.</summary>
    public List<Item> TakeAll()
    {
        var all = new List<Item>(_items);
        _items.Clear();
        return all;
    }

    /// <summary>
    /// The held changes older than the last <see cref="EventHub.Kept"/> certain events, reduced to the last change of
    /// each object (in the order those last changes came); none when the held changes make fewer certain events.
    /// </summary>
    public List<Item> TakeFoldable()
    {
        var certain = 0;
        var split = -1;
        for (var i = _items.Count - 1; i >= 0; i--)
        {
            if (_items[i].Certain && ++certain == EventHub.Kept)
            {
                split = i;
                break;
            }
        }

        if (split <= 0)
        {
            return [];
        }

        var last = new Dictionary<(StoredObjectKind, string), int>();
        for (var i = 0; i < split; i++)
        {
            last[(_items[i].Kind, _items[i].Id)] = i;
        }

        var folded = new List<Item>(last.Count);
        for (var i = 0; i < split; i++)
        {
            if (last[(_items[i].Kind, _items[i].Id)] == i)
            {
                folded.Add(_items[i]);
            }
        }

        _items.RemoveRange(0, split);
        return folded;
    }
}
