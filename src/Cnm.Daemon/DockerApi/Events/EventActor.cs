namespace Cnm.Daemon.DockerApi.Events;

/// <summary>The object an event is about; <c>Attributes</c> sorted by key, as Go writes a map.</summary>
internal sealed record EventActor(string ID, SortedDictionary<string, string> Attributes);
