namespace Cnm.Core.Drivers;

/// <summary>Where a driver's networks live: on one host, or shared by the cluster.</summary>
public enum DriverScope
{
    /// <summary>One host.</summary>
    Local,
    /// <summary>The cluster (global store).</summary>
    Global,
}
