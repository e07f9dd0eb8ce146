namespace Cnm.Daemon.Hosting;

/// <summary>cnmd's cluster settings (spec/cluster.md, "cnmd flags").</summary>
public sealed partial class DaemonOptions
{
    /// <summary>
    /// The cluster store (<c>--cluster-store</c>): <c>etcd://h1:p1,h2:p2,…</c> or, with TLS, <c>etcds://…</c>. With it, networks of
    /// global-scope drivers are accepted and kept there with their endpoints and addresses (spec/cluster.md); without it
    /// (the default) such drivers are refused.
    /// </summary>
    public string? ClusterStore { get; set; }

    /// <summary>PEM CA file that signed the etcd members' certificates (<c>etcds://</c> only; default: the system's trust store).</summary>
    public string? ClusterStoreCaCert { get; set; }

    /// <summary>PEM client certificate for etcd's <c>--client-cert-auth</c> (<c>etcds://</c> only; needs <see cref="ClusterStoreKey"/>).</summary>
    public string? ClusterStoreCert { get; set; }

    /// <summary>PEM private key of <see cref="ClusterStoreCert"/>.</summary>
    public string? ClusterStoreKey { get; set; }

    /// <summary>This node's name in the cluster (<c>--node-name</c>); the host name when not set. Unique per node.</summary>
    public string? NodeName { get; set; }

    /// <summary>The address other nodes reach this node at (<c>--advertise-addr</c>): an IP address, optionally with <c>:port</c>; told to drivers in node discovery.</summary>
    public string? AdvertiseAddr { get; set; }

    /// <summary>The TTL of this node's membership lease in whole seconds (<c>--cluster-lease-ttl</c>), 2 to 3600; 15 when not set.</summary>
    public string? ClusterLeaseTtl { get; set; }

    /// <summary>The lease TTL in effect (<see cref="ClusterLeaseTtl"/>, validated), or 15 s.</summary>
    public TimeSpan EffectiveClusterLeaseTtl => string.IsNullOrWhiteSpace(ClusterLeaseTtl)
        ? TimeSpan.FromSeconds(15)
        : TimeSpan.FromSeconds(int.Parse(ClusterLeaseTtl, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The node name in effect: <see cref="NodeName"/>, or the host name.</summary>
    public string EffectiveNodeName => string.IsNullOrWhiteSpace(NodeName) ? Environment.MachineName : NodeName;

    /// <summary>The etcd client settings of <see cref="ClusterStore"/>; null without a cluster store.</summary>
    public Cnm.Store.Etcd.EtcdStoreOptions? ClusterStoreOptions => string.IsNullOrWhiteSpace(ClusterStore) ? null : new Cnm.Store.Etcd.EtcdStoreOptions
    {
        Endpoints = ClusterStore,
        CaFile = ClusterStoreCaCert,
        CertFile = ClusterStoreCert,
        KeyFile = ClusterStoreKey,
    };

    private void ValidateCluster()
    {
        if (ClusterStoreOptions is not { } etcd)
        {
            if ((ClusterStoreCaCert ?? ClusterStoreCert ?? ClusterStoreKey ?? AdvertiseAddr ?? ClusterLeaseTtl) is not null)
            {
                throw new ArgumentException("--cluster-store-cacert, --cluster-store-cert, --cluster-store-key, --advertise-addr and --cluster-lease-ttl need --cluster-store");
            }

            return;
        }

        try
        {
            etcd.Validate();
        }
        catch (Cnm.Core.Errors.CnmException ex)
        {
            throw new ArgumentException($"--cluster-store {ClusterStore}: {ex.Message}", ex);
        }

        var node = EffectiveNodeName;
        if (node.Length > 253 || node.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"--node-name \"{node}\": use up to 253 letters, digits, '-', '_' and '.'");
        }

        if (AdvertiseAddr is not null && !System.Net.IPAddress.TryParse(AdvertiseAddr, out _) && !System.Net.IPEndPoint.TryParse(AdvertiseAddr, out _))
        {
            throw new ArgumentException($"--advertise-addr \"{AdvertiseAddr}\": expected an IP address, optionally with :port");
        }

        if (ClusterLeaseTtl is not null && (!int.TryParse(ClusterLeaseTtl, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ttl)
            || ttl is < 2 or > 3600))
        {
            throw new ArgumentException($"--cluster-lease-ttl \"{ClusterLeaseTtl}\": expected whole seconds from 2 to 3600");
        }
    }
}
