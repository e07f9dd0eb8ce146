namespace Cnm.Linux.Netlink;

/// <summary>The Linux errno values Cnm.Linux names and maps (x86-64 and arm64 share them).</summary>
public static class Errnos
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;

    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;

    /// <summary>No such process (also: no such route or address).</summary>
    public const int ESRCH = 3;

    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;

    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;

    /// <summary>File exists.</summary>
    public const int EEXIST = 17;

    /// <summary>No such device.</summary>
    public const int ENODEV = 19;

    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;

    /// <summary>Result out of range.</summary>
    public const int ERANGE = 34;

    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;

    /// <summary>Cannot assign requested address (e.g. a multicast MAC).</summary>
    public const int EADDRNOTAVAIL = 99;

    /// <summary>Network is unreachable (e.g. a gateway with no connected route).</summary>
    public const int ENETUNREACH = 101;

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
