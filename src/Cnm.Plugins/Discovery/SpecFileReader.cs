using System.Text.Json;
using System.Text.RegularExpressions;
using Cnm.Protocol;

namespace Cnm.Plugins.Discovery;

/// <summary>Reads <c>.spec</c> and <c>.json</c> plugin files (docs/reference-host.md §1.3).</summary>
internal static partial class SpecFileReader
{
    // A spec file is a URL or a small JSON object; anything this big is not a spec file.
    private const long MaxBytes = 64 * 1024;

    /// <summary>Reads the spec file at <paramref name="path"/>; throws InvalidParameter naming the file and the fault.</summary>
    public static PluginSpec Read(string name, string path, FileStatus status)
    {
        // The reference accepts any stat hit here and fails when reading (docs/reference-host.md §1.2); a FIFO
        // would block that read forever, so anything but a regular file is refused up front.
        if (status.Kind == FileKind.Directory)
        {
            throw Broken(name, path, "is a directory, not a spec file");
        }

        if (status.Kind != FileKind.Regular && OperatingSystem.IsLinux())
        {
            throw Broken(name, path, "is not a regular file");
        }

        if (status.Size > MaxBytes)
        {
            throw Broken(name, path, $"is {status.Size} bytes long; a spec file is at most {MaxBytes} bytes");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Broken(name, path, $"cannot be read: {ex.Message}", ex);
        }

        return path.EndsWith(".json", StringComparison.Ordinal)
            ? ParseJson(name, path, text)
            : ParseSpec(name, path, text);
    }

    private static PluginSpec ParseSpec(string name, string path, string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw Broken(name, path, "is empty; it must hold the plugin's URL, such as unix:///run/p.sock or tcp://host:port");
        }

        var address = ParseAddress(name, path, trimmed, "its content");
        // The reference builds .spec plugins with InsecureSkipVerify set (docs/reference-host.md §1.3).
        return new PluginSpec(name, address, new PluginTlsConfig(InsecureSkipVerify: true), path);
    }

    private static PluginSpec ParseJson(string name, string path, string text)
    {
        SpecFile? file;
        try
        {
            file = JsonSerializer.Deserialize(text, SpecFileJsonContext.Default.SpecFile);
        }
        catch (JsonException ex)
        {
            throw Broken(name, path, $"is not valid JSON: {ex.Message}", ex);
        }

        if (file is null)
        {
            throw Broken(name, path, "holds JSON null; it must be an object with an Addr");
        }

        if (string.IsNullOrWhiteSpace(file.Addr))
        {
            throw Broken(name, path, "has no Addr (expected {\"Addr\": \"unix:///…\" or \"https://host:port\", \"TLSConfig\": {…}})");
        }

        // The reference checks a .json Addr only when it builds the client; Cnm reports it here, with the file.
        var address = ParseAddress(name, path, file.Addr.Trim(), "its Addr");
        var tls = file.TLSConfig;
        if (tls is not null && string.IsNullOrEmpty(tls.CAFile))
        {
            tls = tls with { InsecureSkipVerify = true }; // as the reference: TLSConfig without CAFile (docs/reference-host.md §1.3)
        }

        return new PluginSpec(name, address, tls, path);
    }

    private static Uri ParseAddress(string name, string path, string text, string what)
    {
        // Checked on the text: .NET would read a bare "/run/p.sock" as a file:// URL.
        if (!SchemePrefix().IsMatch(text))
        {
            throw Broken(name, path, $"{what} \"{text}\" is not a URL with a scheme (Unknown protocol)");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw Broken(name, path, $"{what} \"{text}\" is not a valid URL");
        }

        switch (uri.Scheme)
        {
            case "unix":
                if (uri.AbsolutePath is "" or "/")
                {
                    throw Broken(name, path, $"{what} \"{text}\" names no socket path");
                }

                break;
            case "tcp" or "http" or "https":
                if (string.IsNullOrEmpty(uri.Host))
                {
                    throw Broken(name, path, $"{what} \"{text}\" has no host");
                }

                break;
            default:
                throw Broken(name, path,
                    $"{what} \"{text}\" has the unsupported scheme \"{uri.Scheme}\" (expected unix, tcp, http or https)");
        }

        return uri;
    }

    private static PluginException Broken(string name, string path, string fault, Exception? inner = null) =>
        new(ErrorCategory.InvalidParameter, name, null, $"spec file {path} {fault}", innerException: inner);

    [GeneratedRegex(@"\A[A-Za-z][A-Za-z0-9+.-]*:", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePrefix();
}
