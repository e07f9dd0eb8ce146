using Cnm.Core.Net;

namespace Cnm.Core.Ipam.Default;

/// <summary>
/// What a pool id stands for: a master pool, or a sub-pool's ordinal range inside one. Guarded by
/// its address space's lock.
/// </summary>
internal sealed class PoolHandle
{
    /// <summary>The handle of a master pool's own id: its whole allocatable range.</summary>
    public PoolHandle(MasterPool master)
        : this(master.Id, master, null, master.First, master.Last, master.Bitmap is null)
    {
    }

    public PoolHandle(string id, MasterPool master, IpPrefix? subPool, ulong lo, ulong hi, bool isEmpty)
    {
        Id = id;
        Master = master;
        SubPool = subPool;
        Lo = lo;
        Hi = hi;
        IsEmpty = isEmpty;
    }

    public string Id { get; }

    public MasterPool Master { get; }

    /// <summary>The sub-pool as requested; null for the master's own id.</summary>
    public IpPrefix? SubPool { get; }

    /// <summary>Lowest ordinal handed out without a preferred address.</summary>
    public ulong Lo { get; }

    /// <summary>Highest ordinal handed out without a preferred address.</summary>
    public ulong Hi { get; }

    /// <summary>True when nothing can be handed out without a preferred address.</summary>
    public bool IsEmpty { get; }

    public ulong Total => IsEmpty ? 0 : Hi - Lo + 1;

    public ulong Used => IsEmpty ? 0 : Master.Bitmap!.CountUsed(Lo, Hi);
}
