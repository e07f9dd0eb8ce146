namespace Cnm.Core.Control;

/// <summary>What every registered driver entry, network or IPAM, has: its name and whether it is built in.</summary>
internal interface IDriverEntry
{
    string Name { get; }

    bool IsBuiltIn { get; }
}
