namespace Cnm.Daemon.NativeApi;

/// <summary>Another object an answer points to, by id and name (an endpoint's network or sandbox).</summary>
internal sealed record ObjectReference(string Id, string Name);
