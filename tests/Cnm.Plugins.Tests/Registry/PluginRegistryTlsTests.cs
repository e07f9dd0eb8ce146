using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cnm.Plugins.Client;
using Cnm.Plugins.Registry;
using Cnm.Plugins.Tests.Discovery;
using Cnm.Protocol;
using Cnm.Testing;
using Xunit.Abstractions;

namespace Cnm.Plugins.Tests.Registry;

/// <summary>A <c>.json</c> spec with <c>TLSConfig</c> reaching a real HTTPS plugin that requires a client certificate.</summary>
public sealed class PluginRegistryTlsTests(ITestOutputHelper output) : IDisposable
{
    private readonly PluginDirectories _dirs = new();
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa();

    public void Dispose()
    {
        _ca.Dispose();
        _dirs.Dispose();
    }

    [Fact]
    public async Task GetAsync_JsonSpecWithTlsConfig_ActivatesOverMutualTls()
    {
        using var serverCertificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        await using var server = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver),
            serverCertificate, requiredClientCa: _ca);
        WriteSpec("secure", server.Address, _ca);
        await using var registry = new PluginRegistry(_dirs.Discovery());

        var plugin = await registry.GetAsync("secure", PluginInterfaces.NetworkDriver, CancellationToken.None);

        Assert.Equal("https", plugin.Spec.Address.Scheme);
        Assert.False(plugin.Spec.Tls!.InsecureSkipVerify);
        Assert.Single(server.RequestsFor(PluginMethods.Activate));
    }

    [Fact]
    public async Task GetAsync_CaFileThatDidNotSignServer_FailsWithClearError()
    {
        using var serverCertificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        await using var server = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver),
            serverCertificate, requiredClientCa: _ca);
        using var otherCa = TestCertificates.CreateCa("Some Other CA");
        WriteSpec("secure", server.Address, otherCa);
        await using var registry = new PluginRegistry(_dirs.Discovery());

        var error = await Assert.ThrowsAsync<PluginException>(() =>
            registry.GetAsync("secure", PluginInterfaces.NetworkDriver, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Equal("secure", error.Plugin);
        Assert.Equal(PluginMethods.Activate, error.Method);
        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains("remote certificate was rejected", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("TLS handshake", error.Message, StringComparison.Ordinal);
        Assert.Contains("not sent", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        Assert.Equal(PluginState.Unavailable, Assert.Single(registry.Plugins).State);
    }

    /// <summary>A TLSConfig without CAFile: the certificate is not verified (as in the reference), with a Warning naming plugin and spec file.</summary>
    [Fact]
    public async Task GetAsync_HttpsWithoutVerification_ActivatesWithWarningNamingPluginAndSpecFile()
    {
        using var serverCertificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        await using var server = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver), serverCertificate);
        var specFile = WriteUnverifiedSpec("loose", server.Address);
        var logs = new WarningRecorder();
        await using var registry = new PluginRegistry(_dirs.Discovery(), loggerFactory: logs);

        var plugin = await registry.GetAsync("loose", PluginInterfaces.NetworkDriver, CancellationToken.None);

        Assert.True(plugin.Spec.Tls!.InsecureSkipVerify);
        var warning = Assert.Single(logs.Warnings, w => w.Contains("without verifying its certificate", StringComparison.Ordinal));
        Assert.Contains("Plugin loose", warning, StringComparison.Ordinal);
        Assert.Contains(specFile, warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_HttpsWithoutVerificationAndVerificationRequired_RefusedBeforeAnyRequest()
    {
        using var serverCertificate = TestCertificates.CreateServer(_ca, IPAddress.Loopback);
        await using var server = await PluginServer.StartTcpAsync(s => s.Implements(PluginInterfaces.NetworkDriver), serverCertificate);
        var specFile = WriteUnverifiedSpec("loose", server.Address);
        await using var registry = new PluginRegistry(_dirs.Discovery(), new PluginClientOptions { RequireTlsVerification = true });

        var error = await Assert.ThrowsAsync<PluginException>(() => registry.GetAsync("loose", PluginInterfaces.NetworkDriver, CancellationToken.None));

        output.WriteLine(error.Message);
        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Contains("without verifying its certificate", error.Message, StringComparison.Ordinal);
        Assert.Contains(specFile, error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    private string WriteUnverifiedSpec(string name, Uri address)
    {
        var path = Path.Join(_dirs.Etc, name + ".json");
        PluginDirectories.Write(path, $$$"""{"Name":"{{{name}}}","Addr":"{{{address}}}","TLSConfig":{}}""");
        return path;
    }

    /// <summary>Keeps the formatted Warning (and higher) messages of every logger.</summary>
    private sealed class WarningRecorder : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

        public IReadOnlyList<string> Warnings => [.. _warnings];

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning)
            {
                _warnings.Enqueue(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }

    private void WriteSpec(string name, Uri address, X509Certificate2 trustedCa)
    {
        using var client = TestCertificates.CreateClient(_ca);
        var caFile = TestCertificates.WriteCertificatePem(trustedCa, Path.Join(_dirs.Root, "ca.pem"));
        var certFile = TestCertificates.WriteCertificatePem(client, Path.Join(_dirs.Root, "client.pem"));
        var keyFile = TestCertificates.WriteKeyPem(client, Path.Join(_dirs.Root, "client-key.pem"));
        PluginDirectories.Write(Path.Join(_dirs.Etc, name + ".json"),
            $$$"""{"Name":"{{{name}}}","Addr":"{{{address}}}","TLSConfig":{"CAFile":"{{{caFile}}}","CertFile":"{{{certFile}}}","KeyFile":"{{{keyFile}}}"}}""");
    }
}
