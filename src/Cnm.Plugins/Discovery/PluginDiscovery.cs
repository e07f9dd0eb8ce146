using System.Diagnostics.CodeAnalysis;
using Cnm.Protocol;

namespace Cnm.Plugins.Discovery;

/// <summary>
/// Finds v1 plugins by name in the socket and spec directories, in the reference host's exact order
/// (docs/reference-host.md §1.2), and lists all of them (docs/reference-host.md §1.4). It only reads the file system:
/// no network, no retries, no caching, so an unknown name fails at once (docs/decisions.md, "unknown driver").
/// </summary>
/// <remarks>
/// Lookup order for a name <c>N</c>, first hit wins: <c>SOCK/N.sock</c>, <c>SOCK/N/N.sock</c> (each must be
/// a socket; a regular file is skipped), then for each spec directory <c>D</c> in order: <c>D/N.spec</c>,
/// <c>D/N/N.spec</c>, <c>D/N.json</c>, <c>D/N/N.json</c>. A broken spec file is an error: there is no
/// fallback to later candidates, as in the reference.
/// </remarks>
public sealed class PluginDiscovery
{
    private static readonly string[] SpecExtensions = [".spec", ".json"];

    /// <summary>Creates a discovery over the directories of <paramref name="options"/> (the reference's defaults when null).</summary>
    public PluginDiscovery(PluginDiscoveryOptions? options = null)
    {
        options ??= new PluginDiscoveryOptions();
        options.Validate();
        SocketDirectory = Path.TrimEndingDirectorySeparator(options.SocketDirectory);
        SpecDirectories = [.. options.SpecDirectories.Select(Path.TrimEndingDirectorySeparator)];
    }

    /// <summary>The socket directory.</summary>
    public string SocketDirectory { get; }

    /// <summary>The spec directories, in lookup order.</summary>
    public IReadOnlyList<string> SpecDirectories { get; }

    /// <summary>True when <paramref name="name"/> is a valid plugin name (<c>^[A-Za-z0-9][A-Za-z0-9_.-]*$</c>, optionally <c>:tag</c>).</summary>
    public static bool IsValidName(string? name) => PluginNames.IsValid(name);

    /// <summary>Resolves <paramref name="name"/> to the first matching socket or spec file.</summary>
    /// <exception cref="PluginException">
    /// InvalidParameter when the name breaks the naming rule or the first matching spec file is broken;
    /// NotFound, naming every place looked, when nothing matches.
    /// </exception>
    public PluginSpec Find(string name) =>
        Locate(name)?.Spec ?? throw new PluginException(ErrorCategory.NotFound, name, null,
            $"plugin not found: no socket or spec file of that name exists (looked for {string.Join(", ", CandidatePaths(name))})");

    /// <summary>Like <see cref="Find"/>, but returns false instead of throwing NotFound.</summary>
    /// <exception cref="PluginException">InvalidParameter for an invalid name or a broken spec file.</exception>
    public bool TryFind(string name, [NotNullWhen(true)] out PluginSpec? spec)
    {
        spec = Locate(name)?.Spec;
        return spec is not null;
    }

    /// <summary>
    /// Lists every plugin present: top-level sockets and <c>X/X.sock</c> in the socket directory,
    /// <c>.spec</c>/<c>.json</c> files and <c>X/X.spec</c>/<c>X/X.json</c> in the spec directories.
    /// Each name appears once, resolved as <see cref="Find"/> would. Missing directories are ignored;
    /// broken spec files and invalid names are reported in <see cref="PluginScanResult.Errors"/>.
    /// </summary>
    /// <exception cref="IOException">A directory exists but cannot be listed (the reference aborts its scan too).</exception>
    /// <exception cref="UnauthorizedAccessException">A directory exists but may not be listed.</exception>
    public PluginScanResult Scan()
    {
        var (plugins, errors) = ScanCore();
        return new PluginScanResult([.. plugins.Select(p => p.Spec)], errors);
    }

    /// <summary>The scan with fingerprints, for the watcher.</summary>
    internal (IReadOnlyList<DiscoveredPlugin> Plugins, IReadOnlyList<PluginScanError> Errors) ScanCore()
    {
        var candidates = new SortedDictionary<string, string>(StringComparer.Ordinal); // name -> first path that named it
        AddCandidates(candidates, SocketDirectory, [".sock"]);
        foreach (var directory in SpecDirectories)
        {
            AddCandidates(candidates, directory, SpecExtensions);
        }

        var plugins = new List<DiscoveredPlugin>();
        var errors = new List<PluginScanError>();
        foreach (var (name, source) in candidates)
        {
            if (!PluginNames.IsValid(name))
            {
                errors.Add(new PluginScanError(name, source, new PluginException(ErrorCategory.InvalidParameter, name, null,
                    $"{source}: invalid plugin name \"{name}\": {PluginNames.Rule}")));
                continue;
            }

            if (Probe(name) is not { } hit)
            {
                continue; // e.g. a regular file named X.sock
            }

            try
            {
                plugins.Add(Load(name, hit));
            }
            catch (PluginException ex)
            {
                errors.Add(new PluginScanError(name, hit.Path, ex));
            }
        }

        return (plugins, errors);
    }

    /// <summary>The first match for <paramref name="name"/> with its fingerprint, or null when there is none.</summary>
    internal DiscoveredPlugin? Locate(string name)
    {
        // Validated before any path is built from it (docs/decisions.md, "plugin names").
        PluginNames.Validate(name);
        return Probe(name) is { } hit ? Load(name, hit) : null;
    }

    private Hit? Probe(string name)
    {
        foreach (var socket in SocketCandidates(name))
        {
            if (UnixFileStat.Stat(socket) is { } status && IsSocket(status))
            {
                return new Hit(socket, status, IsSocket: true);
            }
        }

        foreach (var path in SpecCandidates(name))
        {
            // Any stat hit counts here, even a directory, which then fails to load (docs/reference-host.md §1.2).
            if (UnixFileStat.Stat(path) is { } status)
            {
                return new Hit(path, status, IsSocket: false);
            }
        }

        return null;
    }

    private static DiscoveredPlugin Load(string name, Hit hit) => hit.IsSocket
        ? new DiscoveredPlugin(new PluginSpec(name, new Uri("unix://" + hit.Path), Source: hit.Path), "sock:" + hit.Status.Fingerprint)
        : new DiscoveredPlugin(SpecFileReader.Read(name, hit.Path, hit.Status), "spec:" + hit.Status.Fingerprint);

    /// <summary>Every path probed for <paramref name="name"/>, in order.</summary>
    internal IEnumerable<string> CandidatePaths(string name) => SocketCandidates(name).Concat(SpecCandidates(name));

    private IEnumerable<string> SocketCandidates(string name)
    {
        yield return Path.Join(SocketDirectory, name + ".sock");
        yield return Path.Join(SocketDirectory, name, name + ".sock");
    }

    private IEnumerable<string> SpecCandidates(string name)
    {
        foreach (var directory in SpecDirectories)
        {
            foreach (var extension in SpecExtensions)
            {
                yield return Path.Join(directory, name + extension);
                yield return Path.Join(directory, name, name + extension);
            }
        }
    }

    // Without statx (not Linux) the type is unknown; any non-directory is taken for a socket there.
    private static bool IsSocket(FileStatus status) =>
        status.Kind == FileKind.Socket || (status.Kind == FileKind.Other && !OperatingSystem.IsLinux());

    private static void AddCandidates(SortedDictionary<string, string> candidates, string directory, string[] extensions)
    {
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return; // missing directories are ignored, as in the reference (docs/reference-host.md §1.4)
        }

        foreach (var entry in entries)
        {
            var fileName = Path.GetFileName(entry);
            if (Directory.Exists(entry))
            {
                // X/ counts only when it holds X.<ext> for one of the extensions of this directory.
                if (extensions.Any(e => UnixFileStat.Stat(Path.Join(entry, fileName + e)) is not null))
                {
                    candidates.TryAdd(fileName, entry);
                }
            }
            else if (extensions.FirstOrDefault(e => fileName.EndsWith(e, StringComparison.Ordinal)) is { } extension
                && fileName.Length > extension.Length)
            {
                candidates.TryAdd(fileName[..^extension.Length], entry);
            }
        }
    }

    private readonly record struct Hit(string Path, FileStatus Status, bool IsSocket);
}
