using System.Diagnostics;
using Cnm.Plugins.Discovery;
using Cnm.Protocol;
using Xunit.Abstractions;

namespace Cnm.Plugins.Tests.Discovery;

public sealed class PluginDiscoveryTests(ITestOutputHelper output) : IDisposable
{
    private readonly PluginDirectories _dirs = new();

    public void Dispose() => _dirs.Dispose();

    [Fact]
    public void Find_TopLevelSocket_ReturnsUnixAddressOfSocket()
    {
        var socket = _dirs.BindSocket(Path.Join(_dirs.Sockets, "p.sock"));

        var spec = _dirs.Discovery().Find("p");

        Assert.Equal("p", spec.Name);
        Assert.Equal("unix", spec.Address.Scheme);
        Assert.Equal(socket, spec.Address.LocalPath);
        Assert.Equal(socket, spec.Source);
        Assert.Null(spec.Tls);
    }

    [Fact]
    public void Find_EveryForm_FirstHitInReferenceOrderWins()
    {
        // All eight places hold plugin "p"; removing the winner each time must reveal the next one in order.
        var candidates = new List<string>
        {
            _dirs.BindSocket(Path.Join(_dirs.Sockets, "p.sock")),
            _dirs.BindSocket(Path.Join(_dirs.Sockets, "p", "p.sock")),
        };
        var port = 9000;
        foreach (var dir in new[] { _dirs.Etc, _dirs.Lib })
        {
            candidates.Add(PluginDirectories.Write(Path.Join(dir, "p.spec"), $"tcp://127.0.0.1:{port++}"));
            candidates.Add(PluginDirectories.Write(Path.Join(dir, "p", "p.spec"), $"tcp://127.0.0.1:{port++}"));
            candidates.Add(PluginDirectories.Write(Path.Join(dir, "p.json"), $"{{\"Addr\":\"tcp://127.0.0.1:{port++}\"}}"));
            candidates.Add(PluginDirectories.Write(Path.Join(dir, "p", "p.json"), $"{{\"Addr\":\"tcp://127.0.0.1:{port++}\"}}"));
        }

        var discovery = _dirs.Discovery();
        var seen = new List<string>();
        foreach (var expected in candidates)
        {
            var spec = discovery.Find("p");
            seen.Add(spec.Source!);
            Assert.Equal(expected, spec.Source);
            File.Delete(expected);
        }

        Assert.Equal(10, seen.Count);
        Assert.Throws<PluginException>(() => discovery.Find("p"));
    }

    [Fact]
    public void Find_JsonInEtcAndSpecInLib_EtcWins()
    {
        var etc = PluginDirectories.Write(Path.Join(_dirs.Etc, "p", "p.json"), "{\"Addr\":\"tcp://127.0.0.1:1\"}");
        PluginDirectories.Write(Path.Join(_dirs.Lib, "p.spec"), "tcp://127.0.0.1:2");

        Assert.Equal(etc, _dirs.Discovery().Find("p").Source);
    }

    [Fact]
    public void Find_RegularFileNamedSock_IsSkipped()
    {
        PluginDirectories.Write(Path.Join(_dirs.Sockets, "p.sock"), "not a socket");
        PluginDirectories.Write(Path.Join(_dirs.Sockets, "q.sock"), "not a socket");
        var spec = PluginDirectories.Write(Path.Join(_dirs.Etc, "p.spec"), "tcp://127.0.0.1:1");

        var discovery = _dirs.Discovery();

        Assert.Equal(spec, discovery.Find("p").Source);
        Assert.Equal(ErrorCategory.NotFound, Assert.Throws<PluginException>(() => discovery.Find("q")).Category);
    }

    [Fact]
    public void Find_SpecFile_TrimsUrlAndSkipsVerificationAsReference()
    {
        PluginDirectories.Write(Path.Join(_dirs.Etc, "p.spec"), "  \n https://plugin.example:8443 \n\n");

        var spec = _dirs.Discovery().Find("p");

        Assert.Equal(new Uri("https://plugin.example:8443"), spec.Address);
        Assert.True(spec.Tls!.InsecureSkipVerify);
    }

    [Fact]
    public void Find_JsonFile_ReadsAddrAndTlsCaseInsensitivelyAndIgnoresName()
    {
        PluginDirectories.Write(Path.Join(_dirs.Etc, "p.json"),
            """{"name":"other","addr":"https://127.0.0.1:8443","tlsconfig":{"cafile":"/ca.pem","CertFile":"/c.pem","KEYFILE":"/k.pem","ClientAuth":4}}""");

        var spec = _dirs.Discovery().Find("p");

        Assert.Equal("p", spec.Name);
        Assert.Equal(new Uri("https://127.0.0.1:8443"), spec.Address);
        Assert.Equal(new PluginTlsConfig("/ca.pem", "/c.pem", "/k.pem", false), spec.Tls);
    }

    [Fact]
    public void Find_JsonTlsWithoutCaFile_SkipsVerificationAsReference()
    {
        PluginDirectories.Write(Path.Join(_dirs.Etc, "p.json"), """{"Addr":"https://127.0.0.1:8443","TLSConfig":{"CertFile":"/c.pem","KeyFile":"/k.pem"}}""");
        PluginDirectories.Write(Path.Join(_dirs.Etc, "q.json"), """{"Addr":"unix:///run/q.sock"}""");

        var discovery = _dirs.Discovery();

        Assert.True(discovery.Find("p").Tls!.InsecureSkipVerify);
        Assert.Null(discovery.Find("q").Tls);
    }

    [Theory]
    [InlineData("p.spec", "", "is empty")]
    [InlineData("p.spec", "  \n\t ", "is empty")]
    [InlineData("p.spec", "/run/p.sock", "Unknown protocol")]
    [InlineData("p.spec", "127.0.0.1:8080", "Unknown protocol")]
    [InlineData("p.spec", "ftp://127.0.0.1/x", "unsupported scheme \"ftp\"")]
    [InlineData("p.spec", "unix://", "names no socket path")]
    [InlineData("p/p.spec", "http://", "not a valid URL")]
    [InlineData("p.json", "{\"Addr\": ", "is not valid JSON")]
    [InlineData("p.json", "[1,2]", "is not valid JSON")]
    [InlineData("p.json", "null", "JSON null")]
    [InlineData("p.json", "{}", "has no Addr")]
    [InlineData("p.json", "{\"Addr\":\"\"}", "has no Addr")]
    [InlineData("p.json", "{\"Addr\":\"/run/p.sock\"}", "Unknown protocol")]
    [InlineData("p/p.json", "{\"Addr\":\"tcp://h:1\",\"TLSConfig\":{\"InsecureSkipVerify\":\"yes\"}}", "is not valid JSON")]
    public void Find_BrokenSpecFile_ThrowsInvalidParameterNamingFileAndFault(string file, string contents, string fault)
    {
        var path = PluginDirectories.Write(Path.Join(_dirs.Etc, file), contents);
        PluginDirectories.Write(Path.Join(_dirs.Lib, "p.spec"), "tcp://127.0.0.1:1"); // never reached: no fallback

        var error = Assert.Throws<PluginException>(() => _dirs.Discovery().Find("p"));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(fault, error.Message, StringComparison.Ordinal);
        Assert.Contains("\"p\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_DirectoryNamedSpec_ThrowsInvalidParameterWithoutFallback()
    {
        var path = Directory.CreateDirectory(Path.Join(_dirs.Etc, "p.spec")).FullName;
        PluginDirectories.Write(Path.Join(_dirs.Etc, "p.json"), "{\"Addr\":\"tcp://127.0.0.1:1\"}");

        var error = Assert.Throws<PluginException>(() => _dirs.Discovery().Find("p"));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("-x")]
    [InlineData("x y")]
    [InlineData(".x")]
    [InlineData("/")]
    [InlineData("x:")]
    [InlineData("x:../y")]
    [InlineData("x:a:b")]
    public void Find_InvalidName_ThrowsInvalidParameterNamingRule(string name)
    {
        // A file that a path-joining lookup of "../x" would find: it must not be reached.
        PluginDirectories.Write(Path.Join(_dirs.Root, "x.spec"), "tcp://127.0.0.1:1");

        var error = Assert.Throws<PluginException>(() => _dirs.Discovery().Find(name));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains($"\"{name}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("^[A-Za-z0-9][A-Za-z0-9_.-]*$", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_NameWithTag_TheWholeNameIsTheFileStem()
    {
        var socket = _dirs.BindSocket(Path.Join(_dirs.Sockets, "p:v1.sock"));
        var discovery = _dirs.Discovery();

        Assert.Equal(socket, discovery.Find("p:v1").Address.LocalPath);
        Assert.Equal(ErrorCategory.NotFound, Assert.Throws<PluginException>(() => discovery.Find("p:v2")).Category);
        Assert.Equal(ErrorCategory.NotFound, Assert.Throws<PluginException>(() => discovery.Find("p")).Category);
    }

    [Fact]
    public void Find_UnknownName_ThrowsNotFoundNamingEveryPlaceAtOnce()
    {
        var discovery = _dirs.Discovery();
        discovery.TryFind("warm-up", out _);

        var stopwatch = Stopwatch.StartNew();
        var error = Assert.Throws<PluginException>(() => discovery.Find("missing"));
        var elapsed = stopwatch.Elapsed;

        const int Repeats = 1000;
        stopwatch.Restart();
        for (var i = 0; i < Repeats; i++)
        {
            discovery.TryFind("missing", out _);
        }

        var perLookup = stopwatch.Elapsed / Repeats;
        output.WriteLine($"unknown-name Find: first {elapsed.TotalMilliseconds:0.000} ms; mean of {Repeats}: {perLookup.TotalMilliseconds:0.0000} ms");
        Assert.Equal(ErrorCategory.NotFound, error.Category);
        Assert.Equal("missing", error.Plugin);
        foreach (var path in new[]
                 {
                     Path.Join(_dirs.Sockets, "missing.sock"), Path.Join(_dirs.Sockets, "missing", "missing.sock"),
                     Path.Join(_dirs.Etc, "missing.spec"), Path.Join(_dirs.Etc, "missing", "missing.spec"),
                     Path.Join(_dirs.Etc, "missing.json"), Path.Join(_dirs.Etc, "missing", "missing.json"),
                     Path.Join(_dirs.Lib, "missing.spec"), Path.Join(_dirs.Lib, "missing", "missing.spec"),
                     Path.Join(_dirs.Lib, "missing.json"), Path.Join(_dirs.Lib, "missing", "missing.json"),
                 })
        {
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }

        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed.TotalMilliseconds} ms"); // at once, not after the 15 s connect-retry budget (figure printed above)
    }

    [Fact]
    public void TryFind_UnknownName_ReturnsFalse()
    {
        Assert.False(_dirs.Discovery().TryFind("missing", out var spec));
        Assert.Null(spec);
    }

    [Fact]
    public void Scan_EveryForm_ListsEachNameOnceWithFirstHitAndReportsBrokenFiles()
    {
        var a = _dirs.BindSocket(Path.Join(_dirs.Sockets, "a.sock"));
        var b = _dirs.BindSocket(Path.Join(_dirs.Sockets, "b", "b.sock"));
        PluginDirectories.Write(Path.Join(_dirs.Sockets, "c.sock"), "regular file: skipped");
        Directory.CreateDirectory(Path.Join(_dirs.Sockets, "empty"));
        PluginDirectories.Write(Path.Join(_dirs.Sockets, "notes.txt"), "ignored");
        PluginDirectories.Write(Path.Join(_dirs.Etc, "a.spec"), "tcp://127.0.0.1:1"); // shadowed by a.sock
        var d = PluginDirectories.Write(Path.Join(_dirs.Etc, "d.spec"), "tcp://127.0.0.1:2");
        var e = PluginDirectories.Write(Path.Join(_dirs.Etc, "e", "e.json"), "{\"Addr\":\"tcp://127.0.0.1:3\"}");
        PluginDirectories.Write(Path.Join(_dirs.Lib, "d.json"), "{\"Addr\":\"tcp://127.0.0.1:4\"}"); // shadowed by etc/d.spec
        var f = PluginDirectories.Write(Path.Join(_dirs.Lib, "f", "f.spec"), "unix:///run/f.sock");
        var broken = PluginDirectories.Write(Path.Join(_dirs.Lib, "g.json"), "{not json");
        PluginDirectories.Write(Path.Join(_dirs.Lib, "bad name.spec"), "tcp://127.0.0.1:5");
        PluginDirectories.Write(Path.Join(_dirs.Lib, "readme.md"), "ignored");

        var result = _dirs.Discovery().Scan();

        Assert.Equal(["a", "b", "d", "e", "f"], result.Plugins.Select(p => p.Name));
        Assert.Equal([a, b, d, e, f], result.Plugins.Select(p => p.Source));
        Assert.Equal(["bad name", "g"], result.Errors.Select(x => x.Name));
        Assert.Equal(broken, result.Errors[1].Source);
        Assert.All(result.Errors, x => Assert.Equal(ErrorCategory.InvalidParameter, x.Error.Category));
        Assert.Contains("is not valid JSON", result.Errors[1].Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_MissingDirectories_AreIgnored()
    {
        using var missing = new PluginDirectories(create: false);

        var result = missing.Discovery().Scan();

        Assert.Empty(result.Plugins);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Constructor_RelativeDirectory_Throws()
    {
        var options = _dirs.Options();
        options.SpecDirectories.Add("relative/plugins");

        Assert.Throws<ArgumentException>(() => new PluginDiscovery(options));
    }
}
