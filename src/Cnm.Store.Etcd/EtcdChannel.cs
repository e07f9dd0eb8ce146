using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cnm.Store.Etcd;

/// <summary>
/// Builds the gRPC channel to the etcd members: round-robin over every member (a dead one is skipped),
/// TLS with an optional private CA and client certificate, HTTP/2 keep-alive pings that find a dead
/// connection, and no gRPC-level retries (the store retries itself, knowing which writes are safe).
/// </summary>
internal static class EtcdChannel
{
    public static GrpcChannel Create(EtcdEndpoints endpoints, EtcdStoreOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.RequestTimeout,
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
        };
        if (endpoints.Tls)
        {
            handler.SslOptions = SslOptions(endpoints, options);
        }

        var addresses = endpoints.Members.Select(m => new BalancerAddress(m.Host, m.Port)).ToArray();
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => addresses));
        return GrpcChannel.ForAddress("static:///etcd", new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            Credentials = endpoints.Tls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } },
            ServiceProvider = services.BuildServiceProvider(),
            // With true, gRPC throws OperationCanceledException for an exceeded deadline too, which
            // must be retried like any timeout: keep RpcException (DeadlineExceeded, Cancelled).
            ThrowOperationCanceledOnCancellation = false,

            // A member that comes back is used again within a second (gRPC's default waits up to 120 s).
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
    }

    private static SslClientAuthenticationOptions SslOptions(EtcdEndpoints endpoints, EtcdStoreOptions options)
    {
        var ssl = new SslClientAuthenticationOptions();
        if (options.CertFile is { } cert)
        {
            ssl.ClientCertificates = [LoadClientCertificate(cert, options.KeyFile!)];
        }

        if (options.CaFile is { } caFile)
        {
            var ca = new X509Certificate2Collection();
            ca.ImportFromPemFile(caFile);
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null && ValidateAgainst(ca, new X509Certificate2(certificate), endpoints, errors);
        }

        return ssl;
    }

    // Client certificates from PEM need an exportable copy on Linux for SslStream to present the key.
    private static X509Certificate2 LoadClientCertificate(string certFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    // Chain to the given CA only, and the name must be one of the endpoint hosts.
    private static bool ValidateAgainst(X509Certificate2Collection ca, X509Certificate2 certificate, EtcdEndpoints endpoints, SslPolicyErrors errors)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
        {
            return false;
        }

        return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0
            || endpoints.Members.Any(m => certificate.MatchesHostname(m.Host));
    }
}
