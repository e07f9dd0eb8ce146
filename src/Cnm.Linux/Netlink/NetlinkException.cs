using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Linux.Netlink;

/// <summary>
/// A kernel call (netlink request or namespace syscall) failed. Carries the positive errno and the operation,
/// and maps the errno to a <see cref="ErrorCategory"/> (<see cref="CategoryOf"/>), so callers decide by
/// <see cref="CnmException.Category"/> or <see cref="Errno"/>, never by the message.
/// </summary>
public sealed class NetlinkException : CnmException
{
    /// <summary>Creates the error for <paramref name="operation"/> failing with <paramref name="errno"/>.</summary>
    /// <param name="operation">What was asked, naming the object, e.g. <c>create veth veth0 (peer veth1)</c>.</param>
    /// <param name="errno">The positive errno.</param>
    /// <param name="kernelMessage">The kernel's extended-ack text, when it gave one.</param>
    public NetlinkException(string operation, int errno, string? kernelMessage = null)
        : base(CategoryOf(errno), Format(operation, errno, kernelMessage))
    {
        Operation = operation;
        Errno = errno;
        KernelMessage = kernelMessage;
    }

    /// <summary>The operation that failed.</summary>
    public string Operation { get; }

    /// <summary>The positive errno the kernel returned (e.g. 17 for EEXIST).</summary>
    public int Errno { get; }

    /// <summary>The kernel's own explanation (netlink extended ack), or null.</summary>
    public string? KernelMessage { get; }

    /// <summary>
    /// The category of an errno: EEXIST and EBUSY are Conflict; ENODEV, ENOENT and ESRCH NotFound; EINVAL, ERANGE,
    /// EADDRNOTAVAIL and ENETUNREACH InvalidParameter; EPERM and EACCES Forbidden; anything else Internal.
    /// </summary>
    public static ErrorCategory CategoryOf(int errno) => errno switch
    {
        Errnos.EEXIST or Errnos.EBUSY => ErrorCategory.Conflict,
        Errnos.ENODEV or Errnos.ENOENT or Errnos.ESRCH => ErrorCategory.NotFound,
        Errnos.EINVAL or Errnos.ERANGE or Errnos.EADDRNOTAVAIL or Errnos.ENETUNREACH => ErrorCategory.InvalidParameter,
        Errnos.EPERM or Errnos.EACCES => ErrorCategory.Forbidden,
        _ => ErrorCategory.Internal,
    };

    private static string Format(string operation, int errno, string? kernelMessage)
    {
        var text = $"{operation}: {Errnos.Name(errno)} ({Namespaces.LibC.Describe(errno)})";
        return string.IsNullOrEmpty(kernelMessage) ? text : $"{text}: {kernelMessage}";
    }
}
