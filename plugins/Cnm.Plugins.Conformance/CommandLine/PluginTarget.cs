using Cnm.Plugins.Discovery;

namespace Cnm.Plugins.Conformance.CommandLine;

/// <summary>Turns what a user typed (a plugin name, a socket path or an address) into the plugin's <see cref="PluginSpec"/>.</summary>
public static class PluginTarget
{
    /// <summary>
    /// Resolves <paramref name="target"/>: <c>unix:///path</c>, <c>tcp://host:port</c>, <c>http://</c> or <c>https://</c>
    /// addresses are taken as they are; an absolute path is a unix socket; anything else is a plugin name, found as the
    /// host finds it (<c>NAME.sock</c> in <paramref name="socketDirectory"/>, then <c>NAME.spec</c> or <c>NAME.json</c>
    /// in <paramref name="specDirectories"/>).
    /// </summary>
    /// <exception cref="PluginException">No plugin of that name, or its spec file is unusable.</exception>
    /// <exception cref="ArgumentException">An address with another scheme, or an invalid name.</exception>
    public static PluginSpec Resolve(string target, string socketDirectory, IEnumerable<string> specDirectories)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(specDirectories);
        if (target.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp" or "http" or "https"))
            {
                throw new ArgumentException($"\"{target}\" is not a plugin address: use unix:///path, tcp://host:port, http:// or https://");
            }

            if (uri.Scheme == "unix")
            {
                RequireSocket(uri.LocalPath);
            }

            return new PluginSpec(uri.Scheme == "unix" ? Path.GetFileNameWithoutExtension(uri.LocalPath) : uri.Authority, uri);
        }

        if (Path.IsPathRooted(target))
        {
            RequireSocket(target);
            return new PluginSpec(Path.GetFileNameWithoutExtension(target), new Uri("unix://" + target));
        }

        if (!PluginDiscovery.IsValidName(target))
        {
            throw new ArgumentException($"\"{target}\" is neither a plugin name nor an address (a name is letters, digits, '_', '.' and '-', optionally with a :tag)");
        }

        var options = new PluginDiscoveryOptions { SocketDirectory = socketDirectory };
        options.SpecDirectories.Clear();
        foreach (var directory in specDirectories)
        {
            options.SpecDirectories.Add(directory);
        }

        return new PluginDiscovery(options).Find(target);
    }

    private static void RequireSocket(string path)
    {
        if (!Path.Exists(path))
        {
            throw new ArgumentException($"no socket at {path}: is the plugin running?");
        }
    }
}
