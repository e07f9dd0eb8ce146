using Cnm.Core.Drivers;

namespace Cnm.Core.Control;

/// <summary>A registered network driver.</summary>
internal sealed record NetworkDriverEntry(string Name, INetworkDriver Driver, DriverCapability Capability, bool IsBuiltIn) : IDriverEntry;
