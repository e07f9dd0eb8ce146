using System.Diagnostics;

namespace Cnm.Testing;

/// <summary>One member of an <see cref="EtcdCluster"/>.</summary>
/// <param name="Name">The member name (n1, n2, …).</param>
/// <param name="ClientPort">Its client port on 127.0.0.1.</param>
/// <param name="PeerPort">Its peer port on 127.0.0.1.</param>
public sealed record EtcdMember(string Name, int ClientPort, int PeerPort)
{
    /// <summary>The running etcd process, or null while the member is killed.</summary>
    public Process? Process { get; internal set; }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => Process is { HasExited: false };
}
