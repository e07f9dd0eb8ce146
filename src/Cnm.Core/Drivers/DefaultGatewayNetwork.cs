namespace Cnm.Core.Drivers;

/// <summary>
/// The default gateway network an <see cref="IDefaultGatewayProvider"/> offers: its name (also how the controller
/// finds it again), its driver, and the driver options it is created with. Its pool comes from the default IPAM's
/// default pools.
/// </summary>
public sealed record DefaultGatewayNetwork(string Name, string Driver, IReadOnlyDictionary<string, string> DriverOptions);
