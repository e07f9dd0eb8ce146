using System.Collections.Concurrent;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Sandboxes;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Sandboxes;

/// <summary>
/// Sandboxes as network namespaces (docs/reference-host.md §6.10): each one bind-mounted at
/// <c>{ExecRoot}/netns/{id12}</c> with its loopback up; a Join moves the driver's interface in, names it
/// <c>DstPrefix</c> + the lowest free index, gives it the MAC and addresses, brings it up and adds the routes; a
/// Leave gives it back to the host namespace under its <c>SrcName</c>. Every kernel call goes through
/// <see cref="NetlinkClient"/>; no pool thread ever enters a namespace.
/// </summary>
public sealed partial class LinuxSandboxProvider : ISandboxProvider, IDisposable
{
    private readonly LinuxSandboxOptions _options;
    private readonly string _hostPath;
    private readonly ConcurrentDictionary<string, SandboxState> _sandboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NetlinkClient> _clients = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _clientGate = new(1, 1);

    /// <summary>Creates the provider. Needs CAP_SYS_ADMIN (mount, setns) and CAP_NET_ADMIN.</summary>
    public LinuxSandboxProvider(LinuxSandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _hostPath = options.HostNetnsPath ?? "/proc/self/ns/net";
    }

    /// <summary>The directory namespaces are mounted in.</summary>
    public string NetnsDirectory => Path.Combine(_options.ExecRoot, "netns");

    /// <summary>The directory of one sandbox's resolver files.</summary>
    public string FilesDirectory(string sandboxId) => Path.Combine(_options.ExecRoot, "sandboxes", sandboxId);

    /// <summary>Keys (paths) of the namespaces mounted under <see cref="NetnsDirectory"/>, for start-up clean-up.</summary>
    public IReadOnlyList<string> ListKeys() =>
        Directory.Exists(NetnsDirectory) ? [.. Directory.EnumerateFiles(NetnsDirectory).Where(NetworkNamespace.IsMounted).Order(StringComparer.Ordinal)] : [];

    /// <inheritdoc />
    public async Task<string> CreateAsync(string sandboxId, SandboxCreateOptions options, CancellationToken cancellationToken)
    {
        await Core.BlockingWork.LeaveEventThreadAsync(); // netns, netlink and files block

        ArgumentNullException.ThrowIfNull(sandboxId);
        ArgumentNullException.ThrowIfNull(options);
        if (sandboxId.Length < 12 || sandboxId.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            throw CnmException.InvalidParameter($"sandbox id \"{sandboxId}\" must be at least 12 letters or digits");
        }

        var key = Path.Combine(NetnsDirectory, sandboxId[..12]);
        NetlinkClient client;
        if (options.HostNetwork)
        {
            // The host network: the key is the host namespace itself (a bind mount of it), nothing new is made.
            NetworkNamespace.BindExisting(_hostPath, key);
            client = await HostAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            client = await NetworkNamespace.CreateAndOpenAsync(key, cancellationToken).ConfigureAwait(false);
        }

        Step("sandbox-create:netns");

        try
        {
            ResolverFiles.Write(FilesDirectory(sandboxId), options, _options.HostResolvConfPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!options.HostNetwork)
            {
                client.Dispose();
            }

            NetworkNamespace.Delete(key);
            DeleteFiles(sandboxId);
            throw CnmException.Internal($"sandbox {sandboxId[..12]}: could not write its resolver files: {ex.Message}", ex);
        }

        Step("sandbox-create:files");

        if (_clients.TryRemove(key, out var stale))
        {
            stale.Dispose();
        }

        if (!options.HostNetwork)
        {
            _clients[key] = client; // a host sandbox uses the host's client
        }

        _sandboxes[key] = new SandboxState(sandboxId, options);
        return key;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await Core.BlockingWork.LeaveEventThreadAsync(); // namespace and file removal block

        if (_clients.TryRemove(key, out var client))
        {
            client.Dispose(); // a socket holds its namespace alive
        }

        NetworkNamespace.Delete(key);
        Step("sandbox-delete:netns");
        var id = _sandboxes.TryRemove(key, out var state) ? state.Id : null;
        if (id is not null)
        {
            DeleteFiles(id);
        }
        else if (Directory.Exists(Path.Combine(_options.ExecRoot, "sandboxes")))
        {
            var prefix = Path.GetFileName(key);
            foreach (var dir in Directory.EnumerateDirectories(Path.Combine(_options.ExecRoot, "sandboxes"), prefix + "*"))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        Step("sandbox-delete:files");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
        _clientGate.Dispose();
    }

    private void DeleteFiles(string sandboxId)
    {
        var dir = FilesDirectory(sandboxId);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The cached client of a namespace (the host's under its path), opened on first use.</summary>
    private async Task<NetlinkClient> ClientAsync(string path, CancellationToken cancellationToken)
    {
        if (_clients.TryGetValue(path, out var client))
        {
            return client;
        }

        await _clientGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_clients.TryGetValue(path, out client))
            {
                client = await NetlinkClient.OpenAsync(path, cancellationToken).ConfigureAwait(false);
                _clients[path] = client;
            }

            return client;
        }
        finally
        {
            _clientGate.Release();
        }
    }

    private Task<NetlinkClient> HostAsync(CancellationToken cancellationToken) => ClientAsync(_hostPath, cancellationToken);
}
