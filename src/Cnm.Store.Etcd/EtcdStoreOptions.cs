using Cnm.Core.Errors;
using Cnm.Core.Store;

namespace Cnm.Store.Etcd;

/// <summary>How <see cref="EtcdKeyValueStore"/> reaches etcd, and how long it retries (spec/store.md, "etcd").</summary>
public sealed class EtcdStoreOptions
{
    /// <summary>
    /// The members: <c>etcd://h1:p1,h2:p2</c> (plain gRPC) or <c>etcds://h1:p1,…</c> (TLS). Any member
    /// may serve any request; a dead one is skipped.
    /// </summary>
    public string Endpoints { get; set; } = "";

    /// <summary>
    /// The etcd key prefix under which every Cnm key lives (default <c>/cnm/</c>): store key <c>k</c> is
    /// etcd key <c>{Prefix}kv/k</c>, and write markers are under <c>{Prefix}writes/</c>.
    /// </summary>
    public string Prefix { get; set; } = "/cnm/";

    /// <summary>PEM file of the CA that signed the members' certificates (TLS only; default: the system's trust store).</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate for etcd's <c>--client-cert-auth</c> (TLS only; needs <see cref="KeyFile"/>).</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>How long one request may take before it is given up and retried (default 2 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one operation keeps retrying through leader changes and dead members before it fails
    /// as Unavailable (default 10 s). Zero: one attempt.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an operation keeps retrying while no member accepts a connection at all (refused,
    /// host or network unreachable) before it fails as Unavailable (default 1 s). Shorter than
    /// <see cref="RetryBudget"/>: with etcd down, operations fail at once instead of hanging. It applies to a
    /// single-member store only: with several members, a refused connection is the normal sign of one member
    /// down, and the client needs the whole <see cref="RetryBudget"/> to move to another member.
    /// </summary>
    public TimeSpan UnreachableBudget { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first pause between retries; it doubles up to 1 s (default 50 ms).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a watch keeps reconnecting before it fails with <see cref="StoreWatchLostException"/>
    /// (default 60 s). While it reconnects, no event is lost: it resumes after the last one delivered.
    /// </summary>
    public TimeSpan WatchReconnectBudget { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Watch buffer (see <see cref="KeyValueStoreOptions.WatchBufferCapacity"/>); the history limit does not apply, etcd keeps history until compaction.</summary>
    public KeyValueStoreOptions Store { get; set; } = new();

    /// <summary>Throws InvalidParameter naming the first option that is out of range.</summary>
    public void Validate()
    {
        _ = EtcdEndpoints.Parse(Endpoints);
        if (Prefix is null || Prefix.Contains('\0', StringComparison.Ordinal))
        {
            throw CnmException.InvalidParameter("etcd prefix must be a string without NUL characters");
        }

        CheckPositive(RequestTimeout, "request timeout");
        CheckNonNegative(RetryBudget, "retry budget");
        CheckNonNegative(UnreachableBudget, "unreachable budget");
        CheckPositive(RetryDelay, "retry delay");
        CheckNonNegative(WatchReconnectBudget, "watch reconnect budget");
        if ((CertFile is null) != (KeyFile is null))
        {
            throw CnmException.InvalidParameter("etcd client certificate needs both a certificate file and a key file");
        }

        if ((CaFile ?? CertFile) is not null && !EtcdEndpoints.Parse(Endpoints).Tls)
        {
            throw CnmException.InvalidParameter($"etcd TLS files are given but the endpoints \"{Endpoints}\" are plain etcd://; use etcds://");
        }

        foreach (var (file, what) in new[] { (CaFile, "CA file"), (CertFile, "certificate file"), (KeyFile, "key file") })
        {
            if (file is not null && !File.Exists(file))
            {
                throw CnmException.InvalidParameter($"etcd {what} {file} does not exist");
            }
        }

        try
        {
            Store.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw CnmException.InvalidParameter($"etcd store option {e.ParamName}: {e.Message}");
        }
    }

    private static void CheckPositive(TimeSpan value, string what)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw CnmException.InvalidParameter($"etcd {what} {value} is out of range: it must be more than 0 and at most one day");
        }
    }

    private static void CheckNonNegative(TimeSpan value, string what)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw CnmException.InvalidParameter($"etcd {what} {value} is out of range: it must be 0 or more and at most one day");
        }
    }
}
