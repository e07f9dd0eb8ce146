using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cnm.Core.Errors;
using Cnm.Linux.Firewall;

namespace Cnm.Linux.Drivers.Bridge;

public sealed partial class BridgeDriver
{
    /// <inheritdoc />
    /// <remarks>
    /// Publishes the sandbox's ports (<c>com.docker.network.portmap</c>) on the endpoint that became its gateway, as the
    /// reference does: each host port is held by a socket in the host namespace (a port in use is a Conflict naming it),
    /// then the mappings go to the firewall in one change. On any failure nothing stays held or published.
    /// </remarks>
    public async Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var network = NetworkOf(networkId);
        var endpoint = EndpointOf(endpointId);
        var what = $"bridge endpoint {endpointId[..12]}";
        var requests = PortRequest.Parse(options, what);
        if (network.Config.Internal || requests.Count == 0)
        {
            return;
        }

        var firewall = _firewall ?? throw CnmException.Unavailable($"{what}: {_noFirewallReason}");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            endpoint.Ports?.Dispose();
            endpoint.Ports = null;
            var held = await _host.RunAsync(() => HoldAll(requests, network, endpoint, what), cancellationToken).ConfigureAwait(false);
            try
            {
                await firewall.ApplyPortsAsync(networkId, endpointId, held.Mappings, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                held.Dispose();
                await RemovePortsQuietlyAsync(firewall, networkId, endpointId).ConfigureAwait(false);
                throw;
            }

            endpoint.Ports = held;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_endpoints.TryGetValue(endpointId, out var endpoint))
            {
                endpoint.Ports?.Dispose();
                endpoint.Ports = null;
            }

            if (_firewall is not null)
            {
                await _firewall.RemovePortsAsync(networkId, endpointId, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static PublishedPorts HoldAll(IReadOnlyList<PortRequest> requests, BridgeNetworkState network, BridgeEndpointState endpoint, string what)
    {
        var sockets = new List<Socket>();
        var mappings = new List<PortMapping>();
        try
        {
            foreach (var request in requests)
            {
                var container = request.HostIp?.AddressFamily == AddressFamily.InterNetworkV6 ? endpoint.AddressIPv6?.Address : endpoint.Address?.Address;
                if (container is null)
                {
                    throw CnmException.InvalidParameter($"{what}: cannot publish {request}: the endpoint has no address of that family");
                }

                var (socket, port) = PortHolder.Hold(request, network.Config.HostBindingIPv4, what);
                sockets.Add(socket);
                var hostIp = request.HostIp ?? network.Config.HostBindingIPv4;
                mappings.Add(new PortMapping(request.Protocol, hostIp is null || hostIp.Equals(IPAddress.Any) ? null : hostIp, port, container, request.ContainerPort));
            }
        }
        catch
        {
            sockets.ForEach(s => s.Dispose());
            throw;
        }

        return new PublishedPorts(mappings, sockets);
    }

    private async Task RemovePortsQuietlyAsync(IBridgeFirewall firewall, string networkId, string endpointId)
    {
        try
        {
            await firewall.RemovePortsAsync(networkId, endpointId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CnmException ex)
        {
            Log.CleanupFailed(_logger, $"remove the published ports of endpoint {endpointId[..12]}", ex.Message);
        }
    }
}
