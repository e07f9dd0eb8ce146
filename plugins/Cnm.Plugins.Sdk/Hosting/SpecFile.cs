using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Sdk.Hosting;

/// <summary>
/// The spec file of a TCP plugin: <c>NAME.spec</c> with <c>tcp://HOST:PORT</c> for plain HTTP, <c>NAME.json</c>
/// with <c>https://HOST:PORT</c> and a <c>TLSConfig</c> for TLS (the host uses TLS for <c>https://</c> only).
/// </summary>
internal sealed class SpecFile(string name, PluginTcpOptions options)
{
    private string? _written;
    private string? _content;

    public string Path => System.IO.Path.Combine(options.SpecDirectory,
        name + (options.Certificate is null ? ".spec" : ".json"));

    public static string HostFor(PluginTcpOptions options, IPAddress bound)
    {
        if (!string.IsNullOrEmpty(options.AdvertisedHost))
        {
            return options.AdvertisedHost;
        }

        var address = bound.Equals(IPAddress.Any) ? IPAddress.Loopback
            : bound.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : bound;
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }

    public string Content(IPEndPoint bound)
    {
        var authority = string.Create(CultureInfo.InvariantCulture, $"{HostFor(options, bound.Address)}:{bound.Port}");
        if (options.Certificate is null)
        {
            return $"tcp://{authority}";
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("Name", name);
            writer.WriteString("Addr", $"https://{authority}");
            writer.WriteStartObject("TLSConfig");
            if (string.IsNullOrEmpty(options.CaFile))
            {
                writer.WriteBoolean("InsecureSkipVerify", true);
            }
            else
            {
                writer.WriteString("CAFile", options.CaFile);
                writer.WriteBoolean("InsecureSkipVerify", false);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public void Write(IPEndPoint bound, ILogger logger)
    {
        UnixSocketFile.CreateDirectory(options.SpecDirectory);
        var content = Content(bound);
        var path = Path;
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true); // the host never reads half a file
        _written = path;
        _content = content;
        var address = content.Trim();
        SdkLog.WroteSpecFile(logger, path, address);
    }

    /// <summary>Removes the file, unless another process has replaced it since.</summary>
    public void Remove(ILogger logger)
    {
        if (_written is null)
        {
            return;
        }

        try
        {
            if (File.Exists(_written) && File.ReadAllText(_written) == _content)
            {
                File.Delete(_written);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SdkLog.CleanupFailed(logger, _written, ex.Message);
        }
    }
}
