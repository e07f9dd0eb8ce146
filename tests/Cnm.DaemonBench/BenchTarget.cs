namespace Cnm.DaemonBench;

/// <summary>One daemon under test: a name for the table, its kind (<c>docker</c> or <c>cnmd</c>) and its API socket.</summary>
internal sealed record BenchTarget(string Name, string Kind, string Socket)
{
    public bool IsCnmd => Kind == "cnmd";

    /// <summary>The daemon's processes (<c>--pid NAME=PID[,PID]</c>), for its CPU time; empty when not given.</summary>
    public List<int> Pids { get; } = [];

    /// <summary>Parses <c>NAME=KIND:SOCKET</c>, e.g. <c>dockerd=docker:/tmp/x/docker.sock</c>.</summary>
    public static BenchTarget Parse(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (eq <= 0 || colon < eq)
        {
            throw new ArgumentException($"--target {text}: expected NAME=KIND:SOCKET, KIND docker or cnmd");
        }

        var kind = text[(eq + 1)..colon];
        return kind is "docker" or "cnmd"
            ? new BenchTarget(text[..eq], kind, text[(colon + 1)..])
            : throw new ArgumentException($"--target {text}: kind {kind} is neither docker nor cnmd");
    }
}
