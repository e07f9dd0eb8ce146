namespace Cnm.Linux.Netlink;

/// <summary>The Linux errno values Cnm.Linux names and maps (x86-64 and arm64 share them).</summary>
public static class Errnos
{
    // One declaration per category that NetlinkException.CategoryOf gives them.

    /// <summary>Conflict: EBUSY, device or resource busy; EEXIST, file exists.</summary>
    public const int EBUSY = 16, EEXIST = 17;

    /// <summary>
    /// NotFound: ENOENT, no such file or directory; ESRCH, no such process (also: no such route or address); ENODEV,
    /// no such device.
    /// </summary>
    public const int ENOENT = 2, ESRCH = 3, ENODEV = 19;

    /// <summary>
    /// InvalidParameter: EINVAL, invalid argument; ERANGE, result out of range; EADDRNOTAVAIL, cannot assign requested
    /// address (e.g. a multicast MAC); ENETUNREACH, network is unreachable (e.g. a gateway with no connected route).
    /// </summary>
    public const int EINVAL = 22, ERANGE = 34, EADDRNOTAVAIL = 99, ENETUNREACH = 101;

    /// <summary>Forbidden: EPERM, operation not permitted; EACCES, permission denied.</summary>
    public const int EPERM = 1, EACCES = 13;

    /// <summary>Internal, as every errno not named above: EOPNOTSUPP, operation not supported.</summary>
    public const int EOPNOTSUPP = 95;

    /// <summary>The symbolic name of an errno, e.g. <c>EEXIST</c>, or <c>errno N</c>.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => nameof(EPERM),
        ENOENT => nameof(ENOENT),
        ESRCH => nameof(ESRCH),
        EACCES => nameof(EACCES),
        EBUSY => nameof(EBUSY),
        EEXIST => nameof(EEXIST),
        ENODEV => nameof(ENODEV),
        EINVAL => nameof(EINVAL),
        ERANGE => nameof(ERANGE),
        EOPNOTSUPP => nameof(EOPNOTSUPP),
        EADDRNOTAVAIL => nameof(EADDRNOTAVAIL),
        ENETUNREACH => nameof(ENETUNREACH),
        _ => $"errno {errno}",
    };
}
