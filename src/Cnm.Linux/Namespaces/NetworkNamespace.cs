using Cnm.Linux.Netlink;
using Microsoft.Win32.SafeHandles;

namespace Cnm.Linux.Namespaces;

/// <summary>
/// Network namespaces bind-mounted at a path, as <c>ip netns</c> and Docker keep them: create, open, delete.
/// Every call is a syscall (unshare, mount, umount2); no ip(8).
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Opens the namespace file at <paramref name="path"/> (for setns or IFLA_NET_NS_FD); NotFound when it is missing.</summary>
    public static SafeFileHandle Open(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (FileNotFoundException)
        {
            throw new NetlinkException($"open network namespace {path}", Errnos.ENOENT);
        }
        catch (DirectoryNotFoundException)
        {
            throw new NetlinkException($"open network namespace {path}", Errnos.ENOENT);
        }
    }

    /// <summary>
    /// Creates a namespace and bind-mounts it at <paramref name="path"/> (the file is created; its directory too).
    /// Its loopback is brought up. On failure nothing is left: no file, no mount. Conflict when the path exists.
    /// </summary>
    public static async Task CreateAsync(string path, CancellationToken cancellationToken) =>
        (await CreateAndOpenAsync(path, cancellationToken).ConfigureAwait(false)).Dispose();

    /// <summary>
    /// As <see cref="CreateAsync"/>, and returns a netlink client into the new namespace, opened on the same
    /// thread (one thread start for both).
    /// </summary>
    public static async Task<NetlinkClient> CreateAndOpenAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using (File.Open(path, FileMode.CreateNew, FileAccess.Write))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new NetlinkException($"create network namespace {path}", Errnos.EEXIST);
        }

        try
        {
            return await NetnsThread.RunInNewAsync(() =>
            {
                if (LibC.mount(NetnsThread.CurrentThreadNamespace, path, null, LibC.MsBind, 0) != 0)
                {
                    throw new NetlinkException($"bind-mount network namespace at {path}", LibC.Errno);
                }

                var client = NetlinkClient.Open();
                try
                {
                    client.SetUp(client.GetLink("lo").Index);
                    return client;
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _ = LibC.umount2(path, LibC.MntDetach);
            File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// Bind-mounts the existing namespace file <paramref name="source"/> (e.g. <c>/proc/self/ns/net</c>) at
    /// <paramref name="path"/>, so that the path names that namespace; no namespace is made. On failure nothing is
    /// left. Conflict when the path exists.
    /// </summary>
    public static void BindExisting(string source, string path)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using (File.Open(path, FileMode.CreateNew, FileAccess.Write))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new NetlinkException($"bind-mount network namespace {source} at {path}", Errnos.EEXIST);
        }

        if (LibC.mount(source, path, null, LibC.MsBind, 0) != 0)
        {
            var errno = LibC.Errno;
            File.Delete(path);
            throw new NetlinkException($"bind-mount network namespace {source} at {path}", errno);
        }
    }

    /// <summary>
    /// Unmounts and removes the namespace at <paramref name="path"/>; the kernel frees it (and deletes its links,
    /// moving physical ones back) once nothing holds it, in the background: this returns before that, so the host
    /// end of a veth whose peer was inside is still listed for a moment and then vanishes by itself (a delete of it
    /// in that window answers ENODEV). A missing path is not an error.
    /// </summary>
    public static void Delete(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return;
        }

        // Unmount until nothing is mounted there: a mount can be stacked twice (e.g. copied by a recursive bind).
        for (var i = 0; i < 8 && LibC.umount2(path, LibC.MntDetach) == 0; i++)
        {
        }

        if (LibC.Errno is not (Errnos.EINVAL or 0))
        {
            throw new NetlinkException($"unmount network namespace {path}", LibC.Errno);
        }

        File.Delete(path);
    }

    /// <summary>True when <paramref name="path"/> has a namespace mounted (it is a nsfs file, not the empty placeholder).</summary>
    public static bool IsMounted(string path)
    {
        var target = Path.GetFullPath(path);
        return File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ') is { Length: > 4 } f && f[4] == target);
    }
}
