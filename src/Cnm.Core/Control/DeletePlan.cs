using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

/// <summary>
/// One delete of a network or endpoint, marked deleting in memory: the driver's delete call, the IPAM releases (made
/// before the commit when <paramref name="TracksIpam"/>), its store record, and the object in the controller's table.
/// </summary>
internal sealed record DeletePlan(string Operation, string What, PendingCall DeleteCall, IReadOnlyList<PendingCall> Releases, bool TracksIpam,
    bool Force, string RecordKey, IDeleteSubject Subject);
