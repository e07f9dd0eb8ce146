using Cnm.Core.Model;

namespace Cnm.Core.Persistence;

/// <summary>
/// An endpoint as stored under <c>cnm/v1/endpoints/&lt;id&gt;</c>: the <see cref="Endpoint"/> with its addresses and MAC as
/// text and its Join answer as <see cref="StoredJoin"/> (<see cref="StateMapping"/> maps one to the other). The JSON keys are
/// the parameter names, in this order; <c>Id</c>, <c>Name</c>, <c>NetworkId</c> and <c>Options</c> must be present.
/// </summary>
internal sealed record StoredEndpoint(string Id, string Name, string NetworkId, string? Address, string? AddressIPv6, string? MacAddress,
    string? PoolId, string? PoolIdIPv6, EndpointCreateOptions Options, string? SandboxId, StoredJoin? Join, DateTimeOffset Created);
