using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>All endpoints that are not being created.</summary>
    public IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            lock (_gate)
            {
                return [.. _endpoints.Values.Where(e => e.State != ObjectState.Creating).OrderBy(e => e.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Finds an endpoint by id or unique id prefix (or by name when that is unique across networks).</summary>
    public Endpoint GetEndpoint(string idOrName)
    {
        lock (_gate)
        {
            return Resolve(_endpoints, idOrName, "endpoint", e => e.Name);
        }
    }

    /// <summary>Finds an endpoint of a network by its name.</summary>
    public Endpoint GetEndpoint(string network, string endpointName)
    {
        lock (_gate)
        {
            var owner = Resolve(_networks, network, "network", n => n.Name);
            return _endpoints.Values.FirstOrDefault(e => e.NetworkId == owner.Id && e.Name == endpointName)
                ?? throw CnmException.NotFound($"endpoint {endpointName} not found in network {owner.Name}");
        }
    }

    /// <summary>
    /// Creates an endpoint: IPAM addresses first, then the driver's CreateEndpoint (docs/reference-host.md §3.14).
    /// A failure releases the addresses.
    /// </summary>
    public async Task<Endpoint> CreateEndpointAsync(string network, EndpointCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw CnmException.InvalidParameter("endpoint name must not be empty");
        }

        var staticV4 = ParseStaticAddress(options.IPv4Address, v6: false, options.Name);
        var staticV6 = ParseStaticAddress(options.IPv6Address, v6: true, options.Name);
        var mac = ParseMac(options.MacAddress, options.Name);
        var userMac = mac;

        Network owner;
        var endpoint = new Endpoint { Id = Ids.New(), Name = options.Name, NetworkId = "", Options = options, Created = _time.GetUtcNow(), State = ObjectState.Creating };
        lock (_gate)
        {
            owner = Resolve(_networks, network, "network", n => n.Name);
            if (owner.State != ObjectState.Ready)
            {
                throw CnmException.Conflict($"network {owner.Name} is {owner.State.ToString().ToLowerInvariant()}; it accepts no new endpoints");
            }

            if (_endpoints.Values.Any(e => e.NetworkId == owner.Id && e.Name == options.Name))
            {
                throw CnmException.Conflict($"endpoint with name {options.Name} already exists in network {owner.Name}");
            }

            endpoint = endpoint with { NetworkId = owner.Id };
            _endpoints.Add(endpoint.Id, endpoint);
        }

        const string op = IntentOperations.EndpointCreate;
        var notCreated = $"endpoint {options.Name} on network {owner.Name} was not created";
        var hasPools = owner.IPv4Pools.Count + owner.IPv6Pools.Count > 0;
        var tracksIpam = hasPools && TracksIpam(owner.IpamDriver);
        var intent = NewIntent(op, endpoint.Id, options.Name, durable: !IsBuiltInNetworkDriver(owner.Driver) || tracksIpam);
        intent.AddCall(new PendingCall { Method = PendingMethods.DeleteEndpoint, Driver = owner.Driver, NetworkId = owner.Id, EndpointId = endpoint.Id });
        var rollback = NewRollback();
        try
        {
            ThrowIfStaticWithoutPools(options.Name, owner, staticV4, staticV6);

            if (staticV6 is not null && !owner.Options.EnableIPv6)
            {
                throw CnmException.InvalidParameter($"endpoint {options.Name}: IPv6 address {staticV6} given but network {owner.Name} has IPv6 disabled");
            }

            var driver = await _drivers.GetNetworkDriverAsync(owner.Driver, cancellationToken).ConfigureAwait(false);
            if (hasPools)
            {
                var ipam = await _drivers.GetIpamDriverAsync(owner.IpamDriver, cancellationToken).ConfigureAwait(false);
                if (ipam.Capabilities.RequiresMacAddress && mac is null)
                {
                    mac = GenerateMac();
                }

                var ipamOptions = ipam.Capabilities.RequiresMacAddress
                    ? new Dictionary<string, string> { [IpamOptions.MacAddress] = EndpointInterfaceSlot.Format(mac!) }
                    : null;
                var assign = new AddressAssignment(owner, ipam, ipamOptions, options.Name, rollback, tracksIpam ? intent : null, notCreated);
                var (v4, pool4) = await AssignAddressAsync(assign, owner.IPv4Pools, staticV4, cancellationToken).ConfigureAwait(false);
                var (v6, pool6) = owner.Options.EnableIPv6
                    ? await AssignAddressAsync(assign, owner.IPv6Pools, staticV6, cancellationToken).ConfigureAwait(false)
                    : (null, null);
                endpoint = endpoint with { Address = v4, AddressIPv6 = v6, PoolId = pool4, PoolIdIPv6 = pool6 };
            }

            await EnsureIntentAsync(intent, notCreated).ConfigureAwait(false);
            var iface = new EndpointInterfaceSlot(endpoint.Address, endpoint.AddressIPv6, mac);
            var request = new CreateEndpointArgs(owner.Id, endpoint.Id, GenericOptions.ForEndpoint(options, userMac));
            await DriverCallAsync($"failed to create endpoint {options.Name} on network {owner.Name}",
                () => driver.Driver.CreateEndpointAsync(request, iface, cancellationToken), intent, intent.Calls[0]).ConfigureAwait(false);
            var (nid, eid) = (owner.Id, endpoint.Id);
            rollback.Add($"delete endpoint {options.Name} in driver {owner.Driver}", () => driver.Driver.DeleteEndpointAsync(nid, eid, CancellationToken.None));
            await StepAsync(op, "CreateEndpoint").ConfigureAwait(false);

            endpoint = endpoint with
            {
                Address = iface.Address,
                AddressIPv6 = iface.AddressIPv6,
                MacAddress = iface.MacAddress,
                State = ObjectState.Ready,
            };
            await CommitAsync(notCreated, EndIntent(PutEndpoint(endpoint), intent)).ConfigureAwait(false);
            intent.Written = false;
            lock (_gate)
            {
                _endpoints[endpoint.Id] = endpoint;
            }

            await StepAsync(op, "commit").ConfigureAwait(false);
            return endpoint;
        }
        catch
        {
            await rollback.RunAsync().ConfigureAwait(false);
            await DropIntentAsync(intent).ConfigureAwait(false);
            lock (_gate)
            {
                _endpoints.Remove(endpoint.Id);
            }

            throw;
        }
    }

    /// <summary>
    /// Deletes an endpoint: DeleteEndpoint, then the address releases. A joined endpoint is refused unless
    /// forced, in which case it leaves first. A driver refusal fails a normal delete and changes nothing; a
    /// forced delete goes on, and calls to a driver that cannot be reached are kept as pending calls.
    /// </summary>
    public async Task DeleteEndpointAsync(string endpointIdOrName, bool force, CancellationToken cancellationToken)
    {
        var endpoint = GetEndpoint(endpointIdOrName);
        if (endpoint.SandboxId is { } sandboxId)
        {
            if (!force)
            {
                throw CnmException.Conflict(
                    $"endpoint {endpoint.Name} is joined to sandbox {sandboxId[..12]}; leave it first or force the delete");
            }

            await LeaveAsync(endpoint.Id, cancellationToken).ConfigureAwait(false);
        }

        Network owner;
        lock (_gate)
        {
            endpoint = Resolve(_endpoints, endpoint.Id, "endpoint", e => e.Name);
            if (endpoint.State != ObjectState.Ready || endpoint.SandboxId is not null)
            {
                throw CnmException.Conflict($"endpoint {endpoint.Name} is busy ({endpoint.State}); try again");
            }

            owner = _networks[endpoint.NetworkId];
            _endpoints[endpoint.Id] = endpoint = endpoint with { State = ObjectState.Deleting };
        }

        var releases = new List<PendingCall>();
        if (endpoint is { PoolId: { } pool4, Address: { } v4 })
        {
            releases.Add(ReleaseAddressCall(owner.IpamDriver, pool4, v4.Address));
        }

        if (endpoint is { PoolIdIPv6: { } pool6, AddressIPv6: { } v6 })
        {
            releases.Add(ReleaseAddressCall(owner.IpamDriver, pool6, v6.Address));
        }

        await RunDeleteAsync(new DeletePlan(
            IntentOperations.EndpointDelete,
            $"endpoint {endpoint.Name}",
            new PendingCall { Method = PendingMethods.DeleteEndpoint, Driver = owner.Driver, NetworkId = owner.Id, EndpointId = endpoint.Id },
            releases,
            releases.Count > 0 && TracksIpam(owner.IpamDriver),
            force,
            StateKeys.Endpoint(endpoint.Id),
            KeepReady,
            Forget,
            reason => Log.ForcedEndpointDelete(_logger, endpoint.Id, reason))).ConfigureAwait(false);

        void Forget()
        {
            lock (_gate)
            {
                _endpoints.Remove(endpoint.Id);
            }
        }

        void KeepReady()
        {
            lock (_gate)
            {
                _endpoints[endpoint.Id] = endpoint with { State = ObjectState.Ready };
            }
        }
    }

    /// <summary>What address assignment for one endpoint create needs: the intent is set when releases to the IPAM are tracked.</summary>
    private sealed record AddressAssignment(Network Network, IpamDriverEntry Ipam, Dictionary<string, string>? Options, string EndpointName,
        Rollback Rollback, Intent? Intent, string NotCreated);

    private async Task<(IpPrefix? Address, string? PoolId)> AssignAddressAsync(AddressAssignment assign, IReadOnlyList<NetworkPool> pools,
        IPAddress? preferred, CancellationToken cancellationToken)
    {
        var (network, ipam, options, endpointName) = (assign.Network, assign.Ipam, assign.Options, assign.EndpointName);
        if (pools.Count == 0)
        {
            return (null, null);
        }

        var candidates = preferred is null ? pools : pools.Where(p => p.Pool.Contains(preferred)).ToList();
        if (candidates.Count == 0)
        {
            throw CnmException.InvalidParameter(
                $"endpoint {endpointName}: address {preferred} does not belong to any of network {network.Name}'s subnets ({string.Join(", ", pools.Select(p => p.Pool))})");
        }

        CnmException? exhausted = null;
        foreach (var pool in candidates)
        {
            AddressAllocation allocation;
            try
            {
                allocation = await ipam.Driver.RequestAddressAsync(new AddressRequest(pool.PoolId, preferred, options), cancellationToken)
                    .ConfigureAwait(false);
            }
            // Only the built-in IPAM's "no available addresses" moves on to the next pool, as in the reference
            // (docs/reference-host.md §4.4). From a plugin, Unavailable means it cannot be reached: that must be reported
            // as such, not as full pools.
            catch (CnmException ex) when (ex.Category == ErrorCategory.Unavailable && preferred is null && ipam.IsBuiltIn)
            {
                exhausted = ex; // this pool is full: try the next one
                continue;
            }
            catch (CnmException ex)
            {
                if (ex.Category == ErrorCategory.Timeout && preferred is not null && assign.Intent is { } owing)
                {
                    OweAfterTimeout(owing, ReleaseAddressCall(ipam.Name, pool.PoolId, preferred), ex);
                }

                throw new CnmException(ex.Category,
                    $"endpoint {endpointName}: IPAM {ipam.Name} could not allocate {(preferred is null ? "an address" : $"address {preferred}")} on network {network.Name}: {ex.Message}", ex);
            }

            if (allocation.Address is { } address)
            {
                assign.Rollback.Add($"release address {address.Address}",
                    () => ipam.Driver.ReleaseAddressAsync(pool.PoolId, address.Address, CancellationToken.None));
                if (assign.Intent is { } intent)
                {
                    intent.AddRelease(ReleaseAddressCall(ipam.Name, pool.PoolId, address.Address));
                    await WriteIntentAsync(intent, assign.NotCreated).ConfigureAwait(false);
                }

                await StepAsync(IntentOperations.EndpointCreate, "RequestAddress").ConfigureAwait(false);
            }

            return (allocation.Address, pool.PoolId);
        }

        throw CnmException.Unavailable(
            $"endpoint {endpointName}: no available {(pools[0].Pool.IsV6 ? "IPv6" : "IPv4")} addresses on network {network.Name}'s address pools: {exhausted?.Message}");
    }

    private static IPAddress? ParseStaticAddress(string? text, bool v6, string endpointName)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!IPAddress.TryParse(text, out var address) || text.Contains('/', StringComparison.Ordinal)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) != v6)
        {
            throw CnmException.InvalidParameter($"endpoint {endpointName}: invalid {(v6 ? "IPv6" : "IPv4")} address \"{text}\"");
        }

        return address;
    }

    private static PhysicalAddress? ParseMac(string? text, string endpointName)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !byte.TryParse(p, System.Globalization.NumberStyles.HexNumber,
                System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            throw CnmException.InvalidParameter($"endpoint {endpointName}: invalid MAC address \"{text}\": expected six hex pairs like 02:42:ac:11:00:02");
        }

        return new PhysicalAddress([.. parts.Select(p => byte.Parse(p, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture))]);
    }

    /// <summary>A random locally administered MAC in 02:42:xx:xx:xx:xx, as the reference generates.</summary>
    private static PhysicalAddress GenerateMac()
    {
        var bytes = new byte[6];
        bytes[0] = 0x02;
        bytes[1] = 0x42;
        RandomNumberGenerator.Fill(bytes.AsSpan(2));
        return new PhysicalAddress(bytes);
    }
}
