using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

/// <summary>
/// An operation's intent record while it runs (spec/store.md, "Intents and pending calls"). It is
/// durable only when a driver keeps state outside this process: a plugin, or an IPAM that is not
/// rebuilt from the records at start-up. Built-in drivers and the default IPAM lose what a crash cut
/// short together with the process, so their operations write no intent.
/// </summary>
internal sealed class Intent(string operation, string objectId, string name, bool durable, DateTimeOffset created)
{
    private readonly List<PendingCall> _calls = [];
    private readonly List<PendingCall> _releases = [];
    private readonly List<PendingCall> _owedOnFailure = [];

    public string Operation { get; } = operation;

    public string ObjectId { get; } = objectId;

    public bool Durable { get; } = durable;

    /// <summary>True once the intent is in the store.</summary>
    public bool Written { get; set; }

    public string Key { get; } = StateKeys.Intent(objectId);

    /// <summary>The driver calls first, then the IPAM releases, newest allocation first.</summary>
    public IReadOnlyList<PendingCall> Calls => [.. _calls, .. _releases];

    /// <summary>Undo calls of driver calls that timed out: owed to their drivers if the operation fails.</summary>
    public IReadOnlyList<PendingCall> OwedOnFailure => [.. _owedOnFailure];

    public void AddCall(PendingCall call) => _calls.Add(call);

    /// <summary>Puts <paramref name="call"/> before the calls added so far: it is undone after them.</summary>
    public void AddFirstCall(PendingCall call) => _calls.Insert(0, call);

    public void OweOnFailure(PendingCall call) => _owedOnFailure.Add(call);

    /// <summary>An IPAM release that undoes the allocation just made; undone before the older ones.</summary>
    public void AddRelease(PendingCall call) => _releases.Insert(0, call);

    public byte[] Serialize() => StateMapping.Serialize(new StoredIntent
    {
        Operation = Operation,
        ObjectId = ObjectId,
        Name = name,
        Calls = [.. Calls],
        Created = created,
    });
}
