namespace Cnm.Core.Ipam.Default;

/// <summary>
/// One address space of the default IPAM: its pool ids and master pools, all guarded by
/// <see cref="Gate"/>. Operations are in-memory and never await under the lock.
/// </summary>
internal sealed class AddressSpace
{
    private readonly MasterPoolList _v4 = new();
    private readonly MasterPoolList _v6 = new();

    public AddressSpace(string name, PredefinedPools predefined)
    {
        Name = name;
        Predefined = predefined;
    }

    public string Name { get; }

    public Lock Gate { get; } = new();

    public PredefinedPools Predefined { get; }

    /// <summary>Every pool id of the space: masters (held directly or as a parent) and sub-pools.</summary>
    public Dictionary<string, PoolHandle> Pools { get; } = new(StringComparer.Ordinal);

    /// <summary>The masters of a family, sorted; change them only through <see cref="AddMaster"/> and <see cref="RemoveMaster"/>.</summary>
    public MasterPoolList Masters(bool v6) => v6 ? _v6 : _v4;

    /// <summary>Adds a master pool and its own pool id; the caller has checked it overlaps no other.</summary>
    public MasterPool AddMaster(MasterPool master)
    {
        Pools.Add(master.Id, new PoolHandle(master));
        Masters(master.IsV6).Add(master);
        return master;
    }

    /// <summary>Removes a master pool that nothing holds any more; its addresses go with it.</summary>
    public void RemoveMaster(MasterPool master)
    {
        Pools.Remove(master.Id);
        Masters(master.IsV6).Remove(master);
        Predefined.Released(master);
    }
}
