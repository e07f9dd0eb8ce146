namespace Cnm.Daemon.DockerApi.Events;

/// <summary>
/// Store changes an event source has not turned into events yet, because nobody was listening. <see cref="EventHub"/>
/// brings them up to date, under <see cref="Gate"/>, before it registers a subscriber or hands out kept events.
/// </summary>
internal interface IEventBacklog
{
    /// <summary>Held while changes are received and while a subscriber is registered, so that none falls between.</summary>
    Lock Gate { get; }

    /// <summary>Publishes every change held back, in order and with the time it arrived; the caller holds <see cref="Gate"/>.</summary>
    void CatchUp();
}
