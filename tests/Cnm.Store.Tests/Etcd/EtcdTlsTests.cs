using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;
using Cnm.Store.Etcd;
using Cnm.Testing;

namespace Cnm.Store.Tests.Etcd;

/// <summary>etcds://: a member that serves TLS only and requires client certificates from a private CA.</summary>
public sealed class EtcdTlsTests : IDisposable
{
    private readonly TempDirectory _files = new("cnm-etcd-tls-");
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa();

    public void Dispose()
    {
        _ca.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Connect_WithCaAndClientCertificate_ReadsWritesAndWatches()
    {
        using var cluster = await StartAsync();
        var options = Options(cluster, _ca, withClientCertificate: true);

        await using var store = await EtcdKeyValueStore.ConnectAsync(options, CancellationToken.None);
        var revision = await store.AtomicPutAsync("k", new byte[] { 7 }, StoreCondition.NotExists, CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var watch = store.WatchAsync("", revision - 1, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(("k", revision), (watch.Current.Key, watch.Current.Revision));
        Assert.Equal(new byte[] { 7 }, (await store.GetAsync("k", CancellationToken.None))!.Value.ToArray());
    }

    [Fact]
    public async Task Connect_WithoutClientCertificate_RefusedNamingTheStore()
    {
        using var cluster = await StartAsync();
        var options = Options(cluster, _ca, withClientCertificate: false);

        var error = await Assert.ThrowsAsync<CnmException>(() => EtcdKeyValueStore.ConnectAsync(options, CancellationToken.None));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains(cluster.Endpoints, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ServerCertificateFromAnotherCa_RefusedAtOnceAsTls()
    {
        using var cluster = await StartAsync();
        using var stranger = TestCertificates.CreateCa("Some Other CA");
        var options = Options(cluster, stranger, withClientCertificate: true);
        options.RetryBudget = TimeSpan.FromSeconds(60);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<CnmException>(() => EtcdKeyValueStore.ConnectAsync(options, CancellationToken.None));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains(cluster.Endpoints, error.Message, StringComparison.Ordinal);
        Assert.Contains("TLS handshake failed", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"a refused certificate was retried for {clock.Elapsed}");
    }

    private Task<EtcdCluster> StartAsync()
    {
        using var server = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        return EtcdCluster.StartTlsAsync(
            TestCertificates.WriteCertificatePem(server, Path.Combine(_files.Path, "server.pem")),
            TestCertificates.WriteKeyPem(server, Path.Combine(_files.Path, "server-key.pem")),
            TestCertificates.WriteCertificatePem(_ca, Path.Combine(_files.Path, "ca.pem")));
    }

    private EtcdStoreOptions Options(EtcdCluster cluster, X509Certificate2 trusted, bool withClientCertificate)
    {
        var options = EtcdNodeFixture.For(cluster.Endpoints);
        options.RetryBudget = TimeSpan.FromSeconds(5);
        options.CaFile = TestCertificates.WriteCertificatePem(trusted, Path.Combine(_files.Path, $"trusted-{Guid.NewGuid():N}.pem"));
        if (withClientCertificate)
        {
            using var client = TestCertificates.CreateClient(_ca);
            options.CertFile = TestCertificates.WriteCertificatePem(client, Path.Combine(_files.Path, "client.pem"));
            options.KeyFile = TestCertificates.WriteKeyPem(client, Path.Combine(_files.Path, "client-key.pem"));
        }

        return options;
    }
}
