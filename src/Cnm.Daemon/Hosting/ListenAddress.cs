using System.Globalization;
using System.Net;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// One <c>--host</c> value: <c>unix:///PATH</c>, or <c>tcp://ADDRESS:PORT</c> where ADDRESS is an IP address,
/// <c>localhost</c> or empty (every address), and PORT defaults to 2376 (Docker's TLS port); port 0 picks a free one.
/// </summary>
public sealed record ListenAddress
{
    /// <summary>Docker's port for the API over TLS, used when a tcp:// address names none.</summary>
    public const int DefaultTlsPort = 2376;

    private ListenAddress()
    {
    }

    /// <summary>The socket path of a unix:// address; null for TCP.</summary>
    public string? SocketPath { get; private init; }

    /// <summary>The IP address of a tcp:// address; null for unix://, <c>localhost</c> and every address.</summary>
    public IPAddress? Address { get; private init; }

    /// <summary>True for <c>tcp://localhost:PORT</c>.</summary>
    public bool IsLocalhost { get; private init; }

    /// <summary>The TCP port.</summary>
    public int Port { get; private init; }

    /// <summary>Parses a <c>--host</c> value; throws <see cref="ArgumentException"/> naming it and the reason.</summary>
    public static ListenAddress Parse(string host)
    {
        const string unix = "unix://";
        const string tcp = "tcp://";
        if (host.StartsWith(unix, StringComparison.Ordinal))
        {
            var path = host[unix.Length..];
            return Path.IsPathFullyQualified(path) ? new ListenAddress { SocketPath = path }
                : throw new ArgumentException($"--host {host}: the socket path must be absolute, as in unix:///run/cnm/cnmd.sock");
        }

        if (!host.StartsWith(tcp, StringComparison.Ordinal))
        {
            throw new ArgumentException($"--host {host}: expected unix:///PATH or tcp://ADDRESS:PORT");
        }

        var rest = host[tcp.Length..].TrimEnd('/');
        var (name, portText) = SplitHostPort(rest);
        var port = DefaultTlsPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            throw new ArgumentException($"--host {host}: \"{portText}\" is not a port number");
        }

        if (name.Length == 0)
        {
            return new ListenAddress { Port = port };
        }

        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenAddress { IsLocalhost = true, Port = port };
        }

        return IPAddress.TryParse(name, out var address) ? new ListenAddress { Address = address, Port = port }
            : throw new ArgumentException($"--host {host}: \"{name}\" is not an IP address (or localhost)");
    }

    /// <inheritdoc />
    public override string ToString() => SocketPath is not null ? "unix://" + SocketPath
        : IsLocalhost ? $"tcp://localhost:{Port}"
        : Address is null ? $"tcp://0.0.0.0:{Port}"
        : $"tcp://{new IPEndPoint(Address, Port)}";

    private static (string Host, string? Port) SplitHostPort(string value)
    {
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return (value, null);
            }

            var after = value[(close + 1)..];
            return (value[1..close], after.StartsWith(':') ? after[1..] : after.Length == 0 ? null : after);
        }

        var colon = value.LastIndexOf(':');
        return colon < 0 ? (value, null) : value.IndexOf(':', StringComparison.Ordinal) != colon ? (value, null) : (value[..colon], value[(colon + 1)..]);
    }
}
