using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Drivers;

/// <summary>
/// The host network namespace the built-in drivers work in (<c>--host-netns</c>, or the process's own): a netlink
/// client bound to it, and a way to run short synchronous work (binding a socket, writing a sysctl) inside it.
/// </summary>
public sealed class HostNetwork : IDisposable
{
    private HostNetwork(string? path, NetlinkClient client)
    {
        Path = path;
        Links = client;
    }

    /// <summary>The namespace path; null for the process's own namespace.</summary>
    public string? Path { get; }

    /// <summary>A netlink client in the host namespace.</summary>
    public NetlinkClient Links { get; }

    /// <summary>Opens the namespace at <paramref name="path"/> (null: the process's own).</summary>
    public static async Task<HostNetwork> OpenAsync(string? path, CancellationToken cancellationToken)
    {
        var client = path is null ? NetlinkClient.Open() : await NetlinkClient.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        return new HostNetwork(path, client);
    }

    /// <summary>
    /// Runs <paramref name="work"/> inside the host namespace (on a dedicated thread when it is not the process's; on the
    /// thread pool when the caller is not on it, since netlink and /proc writes block: <see cref="Core.BlockingWork"/>).
    /// </summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken) =>
        Path is not null ? NetnsThread.RunAsync(Path, work, cancellationToken)
        : Core.BlockingWork.MustLeave ? Task.Run(work, CancellationToken.None)
        : Task.FromResult(work());

    /// <summary>Turns IPv4 forwarding on in the host namespace (as the reference's bridge driver does), unless it is on already.</summary>
    public Task EnableIPv4ForwardingAsync(CancellationToken cancellationToken) => RunAsync(() =>
    {
        const string file = "/proc/sys/net/ipv4/ip_forward";
        if (File.ReadAllText(file).Trim() != "1")
        {
            File.WriteAllText(file, "1");
        }

        return true;
    }, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => Links.Dispose();
}
