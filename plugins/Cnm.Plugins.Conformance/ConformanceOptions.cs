namespace Cnm.Plugins.Conformance;

/// <summary>Options of <see cref="ConformanceKit"/>.</summary>
public sealed class ConformanceOptions
{
    /// <summary>
    /// The prefix of every object the kit creates (network and endpoint IDs start with it, in hex form), so that it is
    /// safe against a live plugin. Default <c>c0ffee</c>.
    /// </summary>
    public string Prefix { get; set; } = "c0ffee";

    /// <summary>Limit for one call; a plugin that does not answer in time fails the check. Default 10 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many calls the concurrency check runs at once. Default 8.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Opens connections instead of dialing the address (for in-memory plugins); null dials.</summary>
    public Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? ConnectCallback { get; set; }
}
