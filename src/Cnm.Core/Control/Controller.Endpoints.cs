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
    public IReadOnlyList<Endpoint> Endpoints => Listed(_endpoints, e => e.State, e => e.Name);

    /// <summary>Finds an endpoint by id or unique id prefix (or by name when that is unique across networks).</summary>
    public Endpoint GetEndpoint(string idOrName) => Find(_endpoints, idOrName, "endpoint", e => e.Name);

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
        var work = ReserveEndpoint(network, options, IntentOperations.EndpointCreate);
        try
        {
            var endpoint = await CreateInDriverAsync(work, cancellationToken).ConfigureAwait(false);
            await _journal.CommitEndAsync(work.NotDone, OperationJournal.PutEndpoint(endpoint), work.Intent).ConfigureAwait(false);
            lock (_gate)
            {
                _endpoints[endpoint.Id] = endpoint;
            }

            await _journal.StepAsync(work.Operation, "commit").ConfigureAwait(false);
            return endpoint;
        }
        catch
        {
            await UndoEndpointAsync(work).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Checks an endpoint create and reserves its name: the endpoint goes into the table as creating, hidden from
    /// listings, with its intent (not yet written) naming its DeleteEndpoint.
    /// </summary>
    private EndpointWork ReserveEndpoint(string network, EndpointCreateOptions options, string operation)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw CnmException.InvalidParameter("endpoint name must not be empty");
        }

        var staticV4 = EndpointInputs.ParseStaticAddress(options.IPv4Address, v6: false, options.Name);
        var staticV6 = EndpointInputs.ParseStaticAddress(options.IPv6Address, v6: true, options.Name);
        var mac = EndpointInputs.ParseMac(options.MacAddress, options.Name);

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

        var hasPools = owner.IPv4Pools.Count + owner.IPv6Pools.Count > 0;
        var tracksIpam = hasPools && _journal.TracksIpam(owner.IpamDriver);
        var intent = _journal.NewIntent(operation, endpoint.Id, options.Name, durable: !_journal.IsBuiltInNetworkDriver(owner.Driver) || tracksIpam);
        intent.AddCall(new PendingCall { Method = PendingMethods.DeleteEndpoint, Driver = owner.Driver, NetworkId = owner.Id, EndpointId = endpoint.Id });
        return new EndpointWork(operation, owner, endpoint, staticV4, staticV6, mac, tracksIpam, intent, NewRollback(),
            $"endpoint {options.Name} on network {owner.Name} was not created");
    }

    /// <summary>
    /// The driver side of an endpoint create: the addresses, the intent, then CreateEndpoint, each step undone by the work's
    /// rollback. Returns the endpoint as it will be committed (ready).
    /// </summary>
    private async Task<Endpoint> CreateInDriverAsync(EndpointWork work, CancellationToken cancellationToken)
    {
        var (owner, endpoint, options, intent) = (work.Owner, work.Endpoint, work.Endpoint.Options, work.Intent);
        var (staticV4, staticV6, mac) = (work.StaticV4, work.StaticV6, work.Mac);
        ThrowIfStaticWithoutPools(options.Name, owner, staticV4, staticV6);
        if (staticV6 is not null && !owner.Options.EnableIPv6)
        {
            throw CnmException.InvalidParameter($"endpoint {options.Name}: IPv6 address {staticV6} given but network {owner.Name} has IPv6 disabled");
        }

        var driver = await _drivers.GetNetworkDriverAsync(owner.Driver, cancellationToken).ConfigureAwait(false);
        await SendOwedClusterCreateAsync(owner, cancellationToken).ConfigureAwait(false);
        if (owner.IPv4Pools.Count + owner.IPv6Pools.Count > 0)
        {
            var ipam = await _drivers.GetIpamDriverAsync(owner.IpamDriver, cancellationToken).ConfigureAwait(false);
            if (ipam.Capabilities.RequiresMacAddress && mac is null)
            {
                mac = EndpointInputs.GenerateMac();
            }

            var ipamOptions = ipam.Capabilities.RequiresMacAddress
                ? new Dictionary<string, string> { [IpamOptions.MacAddress] = EndpointInterfaceSlot.Format(mac!) }
                : null;
            var assign = new AddressAssignment(owner, ipam, ipamOptions, options.Name, work.Rollback, work.TracksIpam ? intent : null, work.NotDone, work.Operation);
            var (v4, pool4) = await AssignAddressAsync(assign, owner.IPv4Pools, staticV4, cancellationToken).ConfigureAwait(false);
            var (v6, pool6) = owner.Options.EnableIPv6
                ? await AssignAddressAsync(assign, owner.IPv6Pools, staticV6, cancellationToken).ConfigureAwait(false)
                : (null, null);
            endpoint = endpoint with { Address = v4, AddressIPv6 = v6, PoolId = pool4, PoolIdIPv6 = pool6 };
        }

        await _journal.EnsureIntentAsync(intent, work.NotDone).ConfigureAwait(false);
        var iface = new EndpointInterfaceSlot(endpoint.Address, endpoint.AddressIPv6, mac);
        var request = new CreateEndpointArgs(owner.Id, endpoint.Id, GenericOptions.ForEndpoint(options, work.Mac));
        var deleteCall = intent.Calls.First(c => c.Method == PendingMethods.DeleteEndpoint);
        await _journal.CallAsync($"failed to create endpoint {options.Name} on network {owner.Name}",
            () => driver.Driver.CreateEndpointAsync(request, iface, cancellationToken), intent, deleteCall).ConfigureAwait(false);
        var (nid, eid) = (owner.Id, endpoint.Id);
        work.Rollback.Add($"delete endpoint {options.Name} in driver {owner.Driver}", () => driver.Driver.DeleteEndpointAsync(nid, eid, CancellationToken.None));
        await _journal.StepAsync(work.Operation, "CreateEndpoint").ConfigureAwait(false);
        return endpoint with
        {
            Address = iface.Address,
            AddressIPv6 = iface.AddressIPv6,
            MacAddress = iface.MacAddress,
            State = ObjectState.Ready,
        };
    }

    /// <summary>Undoes what an endpoint create (or connect) did so far, drops its intent and forgets the endpoint.</summary>
    private async Task UndoEndpointAsync(EndpointWork work)
    {
        await work.Rollback.RunAsync().ConfigureAwait(false);
        await _journal.DropIntentAsync(work.Intent).ConfigureAwait(false);
        lock (_gate)
        {
            _endpoints.Remove(work.Endpoint.Id);
        }
    }

    /// <summary>
    /// Deletes an endpoint: DeleteEndpoint, then the address releases. A joined endpoint is refused unless
    /// forced, in which case it leaves first. A driver refusal fails a normal delete and changes nothing; a
    /// forced delete goes on, and calls to a driver that cannot be reached are kept as pending calls. When it left a
    /// sandbox, the sandbox then loses its default gateway endpoint if it no longer needs it (spec/bridge.md, "Default
    /// gateway network").
    /// </summary>
    public async Task DeleteEndpointAsync(string endpointIdOrName, bool force, CancellationToken cancellationToken)
    {
        var left = await DeleteEndpointCoreAsync(endpointIdOrName, force, cancellationToken).ConfigureAwait(false);
        if (left is not null)
        {
            await AfterLeaveAsync(left).ConfigureAwait(false);
        }
    }

    /// <summary>The delete itself, without the default gateway step; returns the sandbox the endpoint left, if it was joined.</summary>
    private async Task<string?> DeleteEndpointCoreAsync(string endpointIdOrName, bool force, CancellationToken cancellationToken)
    {
        var endpoint = GetEndpoint(endpointIdOrName);
        string? left = null;
        if (endpoint.SandboxId is { } sandboxId)
        {
            if (!force)
            {
                throw CnmException.Conflict(
                    $"endpoint {endpoint.Name} is joined to sandbox {sandboxId[..12]}; leave it first or force the delete");
            }

            (_, left) = await LeaveCoreAsync(endpoint.Id, cancellationToken).ConfigureAwait(false);
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

        var releases = ReleaseCalls.OfEndpoint(owner.IpamDriver, endpoint);
        await _journal.RunDeleteAsync(new DeletePlan(
            IntentOperations.EndpointDelete,
            $"endpoint {endpoint.Name}",
            new PendingCall { Method = PendingMethods.DeleteEndpoint, Driver = owner.Driver, NetworkId = owner.Id, EndpointId = endpoint.Id },
            releases,
            releases.Count > 0 && _journal.TracksIpam(owner.IpamDriver),
            force,
            StateKeys.Endpoint(endpoint.Id),
            new TableRow<Endpoint>(_gate, _endpoints, endpoint.Id, endpoint with { State = ObjectState.Ready }))).ConfigureAwait(false);
        return left;
    }
}
