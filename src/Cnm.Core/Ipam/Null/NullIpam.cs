using System.Net;
using Cnm.Core.Errors;
using Cnm.Core.Net;

namespace Cnm.Core.Ipam.Null;

/// <summary>
/// The built-in <c>null</c> IPAM (docs/reference-host.md §5.10): one pool, <c>0.0.0.0/0</c>, that hands out no
/// addresses, for networks whose driver assigns addresses itself.
/// </summary>
internal sealed class NullIpam : IIpamDriver
{
    /// <summary>The only pool id.</summary>
    public const string PoolId = "null/0.0.0.0/0";

    private static readonly AddressSpaces Spaces = new(BuiltInIpams.NullSpace, BuiltInIpams.NullSpace);

    /// <summary>The only pool.</summary>
    public static IpPrefix Pool { get; } = new(IPAddress.Any, 0);

    /// <inheritdoc />
    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<AddressSpaces>(cancellationToken) : Task.FromResult(Spaces);

    /// <inheritdoc />
    public Task<PoolAllocation> RequestPoolAsync(PoolRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<PoolAllocation>(cancellationToken);
        }

        // Texts and checks as the reference's null allocator.
        var error = request.AddressSpace != BuiltInIpams.NullSpace ? $"unknown address space: {request.AddressSpace}"
            : request.Pool is not null ? "null ipam driver does not handle specific address pool requests"
            : request.SubPool is not null ? "null ipam driver does not handle specific address subpool requests"
            : request.V6 ? "null ipam driver does not handle IPv6 address pool requests"
            : null;
        return error is null
            ? Task.FromResult(new PoolAllocation(PoolId, Pool))
            : Task.FromException<PoolAllocation>(CnmException.InvalidParameter(error));
    }

    /// <inheritdoc />
    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken)
        : CheckPoolId(poolId) is { } error ? Task.FromException(error)
        : Task.CompletedTask;

    /// <inheritdoc />
    public Task<AddressAllocation> RequestAddressAsync(AddressRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return cancellationToken.IsCancellationRequested ? Task.FromCanceled<AddressAllocation>(cancellationToken)
            : CheckPoolId(request.PoolId) is { } error ? Task.FromException<AddressAllocation>(error)
            : Task.FromResult(new AddressAllocation(null));
    }

    /// <inheritdoc />
    public Task ReleaseAddressAsync(string poolId, IPAddress address, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken)
        : CheckPoolId(poolId) is { } error ? Task.FromException(error)
        : Task.CompletedTask;

    // The reference's ReleasePool accepts any id; Cnm rejects ids it never gave, like the other calls.
    private static CnmException? CheckPoolId(string? poolId) =>
        poolId == PoolId ? null : CnmException.InvalidParameter($"unknown pool id: {poolId}");
}
