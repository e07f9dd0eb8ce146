using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Cnm.Plugins.Sdk.Hosting;

/// <summary>Options of <see cref="PluginHostingExtensions.ListenPluginTcp"/>.</summary>
public sealed class PluginTcpOptions
{
    /// <summary>The first spec directory the host reads.</summary>
    public const string DefaultSpecDirectory = "/etc/docker/plugins";

    /// <summary>The address to listen on. Default <see cref="IPAddress.Loopback"/>.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The port; 0 (the default) takes a free one, which the spec file then names.</summary>
    public int Port { get; set; }

    /// <summary>Where the spec file is written (created mode 0755 when missing). Default <see cref="DefaultSpecDirectory"/>.</summary>
    public string SpecDirectory { get; set; } = DefaultSpecDirectory;

    /// <summary>
    /// The server certificate, with its private key. Null (the default): plain HTTP and a <c>NAME.spec</c> file
    /// holding <c>tcp://HOST:PORT</c>. Set: TLS and a <c>NAME.json</c> file with an <c>https://</c> address, the
    /// only form the host speaks TLS to.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// With TLS, a CA file the host should verify the certificate with, written as <c>TLSConfig.CAFile</c>. Null
    /// (the default) writes <c>"InsecureSkipVerify": true</c>, which is what the host does without a CA file anyway.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// The host name written into the spec file. Default: the listen address, or <c>127.0.0.1</c> / <c>::1</c> when
    /// listening on every address. With <see cref="CaFile"/> it must match the certificate.
    /// </summary>
    public string? AdvertisedHost { get; set; }
}
