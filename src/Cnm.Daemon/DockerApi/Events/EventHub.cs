using System.Threading.Channels;

namespace Cnm.Daemon.DockerApi.Events;

/// <summary>
/// Where events are published and <c>GET /events</c> subscribes, as dockerd's event service: the last
/// <see cref="Kept"/> events are kept for <c>since</c>/<c>until</c>, and every subscriber has a queue of its own. A
/// subscriber whose queue is full (it stopped reading) misses events rather than holding up the others.
/// </summary>
internal sealed class EventHub
{
    /// <summary>How many past events are kept, dockerd's number.</summary>
    public const int Kept = 256;

    private const int QueueLength = 1024;

    private readonly Lock _gate = new();
    private readonly Queue<EventMessage> _recent = new();
    private readonly List<Subscription> _subscribers = [];
    private IEventBacklog? _backlog;

    /// <summary>The subscribers now listening (<c>/info</c>'s NEventsListener).</summary>
    public int Listeners
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public void Publish(EventMessage message)
    {
        lock (_gate)
        {
            if (_recent.Count == Kept)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(message);
            foreach (var subscriber in _subscribers)
            {
                if (subscriber.Include(message))
                {
                    subscriber.Queue.Writer.TryWrite(message);
                }
            }
        }
    }

    /// <summary>
    /// Registers a subscriber and returns, in the same step (so nothing falls between), the kept events it asked for:
    /// none when neither <paramref name="sinceNano"/> nor <paramref name="untilNano"/> is given, else those at or after
    /// since and at or before until, as dockerd selects them.
    /// </summary>
    public Subscription Subscribe(Func<EventMessage, bool> include, long? sinceNano, long? untilNano, out List<EventMessage> past)
    {
        if (_backlog is not { } backlog)
        {
            return SubscribeNow(include, sinceNano, untilNano, out past);
        }

        lock (backlog.Gate)
        {
            backlog.CatchUp();
            return SubscribeNow(include, sinceNano, untilNano, out past);
        }
    }

    /// <summary>Where events held back while nobody listened come from; they are published before a subscriber is added.</summary>
    public void AttachBacklog(IEventBacklog backlog) => _backlog = backlog;

    private Subscription SubscribeNow(Func<EventMessage, bool> include, long? sinceNano, long? untilNano, out List<EventMessage> past)
    {
        var subscription = new Subscription(this, include);
        lock (_gate)
        {
            past = sinceNano is null && untilNano is null ? []
                : [.. _recent.Where(m => m.TimeNano >= (sinceNano ?? long.MinValue) && m.TimeNano <= (untilNano ?? long.MaxValue) && include(m))];
            _subscribers.Add(subscription);
        }

        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscription);
        }
    }

    /// <summary>One <c>GET /events</c> listener; disposing it stops its queue.</summary>
    internal sealed class Subscription(EventHub hub, Func<EventMessage, bool> include) : IDisposable
    {
        public Channel<EventMessage> Queue { get; } = Channel.CreateBounded<EventMessage>(
            new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

        public bool Include(EventMessage message) => include(message);

        public ChannelReader<EventMessage> Reader => Queue.Reader;

        public void Dispose()
        {
            hub.Remove(this);
            Queue.Writer.TryComplete();
        }
    }
}
