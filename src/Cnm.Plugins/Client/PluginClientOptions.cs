namespace Cnm.Plugins.Client;

/// <summary>Options of <see cref="PluginClient"/>. Defaults follow docs/decisions.md.</summary>
public sealed class PluginClientOptions
{
    /// <summary>Limit for one call, from the first connection attempt to the last response byte. Default 60 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long to keep retrying while the connection cannot be made (backoff 1, 2, 4, 8 s …). Default 15 s.
    /// Zero disables retries.
    /// </summary>
    public TimeSpan ConnectRetryBudget { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest response body accepted. Default 16 MiB.</summary>
    public long MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Limit for a single connection attempt. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle keep-alive connection is kept. Default 90 s.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Most connections kept open to one plugin; further calls wait for a free one. Default 32.</summary>
    public int MaxConnectionsPerPlugin { get; set; } = 32;

    /// <summary>
    /// Refuse a plugin reached over <c>https://</c> without verifying its certificate (a <c>.spec</c> file, or a
    /// <c>TLSConfig</c> without <c>CAFile</c> or with <c>InsecureSkipVerify</c>), instead of activating it with a
    /// Warning. Default false, as the reference (cnmd's <c>--plugin-tls-verify</c>).
    /// </summary>
    public bool RequireTlsVerification { get; set; }

    /// <summary>
    /// Opens the connections to the plugin instead of dialing its address (the address still gives the request
    /// URL and <c>Host</c>). Null (the default) dials. Meant for in-memory transports in tests, such as
    /// Cnm.Plugins.Testing's; an exception it throws counts as a failure to connect (retried like one).
    /// </summary>
    public Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? ConnectCallback { get; set; }

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (CallTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "must be positive");
        if (ConnectRetryBudget < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ConnectRetryBudget), ConnectRetryBudget, "must not be negative");
        if (MaxResponseBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), MaxResponseBytes, "must be positive");
        if (MaxConnectionsPerPlugin <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxConnectionsPerPlugin), MaxConnectionsPerPlugin, "must be positive");
        if (ConnectTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "must be positive");
    }
}
