using Cnm.Protocol.Ipam;

namespace Cnm.Plugins.Sdk;

/// <summary>
/// A remote IPAM driver (<c>IpamDriver.*</c>). Override the four pool and address methods; capabilities and
/// default address spaces have defaults. Map it with
/// <see cref="PluginEndpointRouteBuilderExtensions.MapIpamDriver(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, IpamDriver)"/>.
/// </summary>
/// <remarks>
/// A method that throws makes the call fail: the host gets status 500 and
/// <c>{"Err":"&lt;message&gt;","Error":"&lt;message&gt;"}</c> (spec/sdk.md says why both keys).
/// </remarks>
public abstract class IpamDriver
{
    /// <summary>The local default address space returned by the default <see cref="GetDefaultAddressSpacesAsync"/>.</summary>
    public const string DefaultLocalAddressSpace = "LocalDefault";

    /// <summary>The global default address space returned by the default <see cref="GetDefaultAddressSpacesAsync"/>.</summary>
    public const string DefaultGlobalAddressSpace = "GlobalDefault";

    /// <summary>
    /// <c>GetCapabilities</c>. Default: <c>{"RequiresMACAddress":false,"RequiresRequestReplay":false}</c>.
    /// Override to ask for the endpoint's MAC address in <see cref="RequestAddressRequest.Options"/>.
    /// </summary>
    public virtual Task<IpamCapabilitiesResponse> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new IpamCapabilitiesResponse());

    /// <summary>
    /// <c>GetDefaultAddressSpaces</c>. Default: <see cref="DefaultLocalAddressSpace"/> and
    /// <see cref="DefaultGlobalAddressSpace"/>, the names the built-in IPAM uses.
    /// </summary>
    public virtual Task<GetDefaultAddressSpacesResponse> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new GetDefaultAddressSpacesResponse(DefaultLocalAddressSpace, DefaultGlobalAddressSpace));

    /// <summary><c>RequestPool</c>: reserve a pool; the answer's <c>Pool</c> must be a CIDR.</summary>
    public abstract Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken);

    /// <summary><c>ReleasePool</c>. Failures are only logged by the host.</summary>
    public abstract Task ReleasePoolAsync(ReleasePoolRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// <c>RequestAddress</c>: an empty <see cref="RequestAddressRequest.Address"/> asks for any free address; the
    /// answer's <c>Address</c> must carry a mask (<c>10.0.0.2/24</c>).
    /// </summary>
    public abstract Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request,
        CancellationToken cancellationToken);

    /// <summary><c>ReleaseAddress</c>. Failures are only logged by the host.</summary>
    public abstract Task ReleaseAddressAsync(ReleaseAddressRequest request, CancellationToken cancellationToken);
}
