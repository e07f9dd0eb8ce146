using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cnm.Testing;

namespace Cnm.Plugins.Sdk.Tests;

/// <summary>
/// The SDK, the mock-plugin kit and the conformance kit pack into NuGet packages a user can consume: README, license, XML docs and source
/// link inside, and the README's quickstart builds from a local feed folder as a user would get it.
/// </summary>
public partial class PackageTests
{
    private const string RemoteUrl = "https://github.com/cnm-test/cnm.git";

    [Fact]
    public async Task Pack_SdkAndTesting_QuickstartBuildsFromTheLocalFeed()
    {
        using var temp = new TempDirectory("cnm-pack");
        var version = $"0.0.0-ci.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var tree = CopyTree(temp.File("repo"));
        var feed = temp.CreateDirectory("feed");
        try
        {
            // A repository with a remote, so source link has a URL to map the sources to.
            await DotnetCli.RunAsync(tree, "git", "init", "-q");
            await DotnetCli.RunAsync(tree, "git", "add", "-A");
            await DotnetCli.RunAsync(tree, "git", "-c", "user.name=ci", "-c", "user.email=ci@localhost", "commit", "-q", "-m", "pack");
            await DotnetCli.RunAsync(tree, "git", "remote", "add", "origin", RemoteUrl);
            foreach (var project in new[] { "src/Cnm.Protocol", "src/Cnm.Plugins", "plugins/Cnm.Plugins.Sdk", "plugins/Cnm.Plugins.Testing", "plugins/Cnm.Plugins.Conformance", "plugins/Cnm.Plugins.Check" })
            {
                await DotnetCli.RunAsync(tree, "dotnet", "pack", project, "-c", "Release", "-o", feed, $"-p:Version={version}", "--nologo");
            }

            AssertPackage(feed, "Cnm.Plugins.Sdk", version, dependencies: ["Cnm.Protocol"]);
            AssertPackage(feed, "Cnm.Plugins.Testing", version, dependencies: ["Cnm.Protocol", "Cnm.Plugins", "Nerdbank.Streams", "WireMock.Net"]);
            AssertPackage(feed, "Cnm.Plugins.Conformance", version, dependencies: ["Cnm.Protocol", "Cnm.Plugins"]);

            var app = temp.CreateDirectory("hello-net");
            await File.WriteAllTextAsync(Path.Combine(app, "hello-net.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Cnm.Plugins.Sdk" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="cnm-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            var quickstart = Quickstart(await File.ReadAllTextAsync(Path.Combine(tree, "plugins/Cnm.Plugins.Sdk/README.md")));
            Assert.True(quickstart.Split('\n').Length <= 30, $"the quickstart has {quickstart.Split('\n').Length} lines");
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), quickstart);

            await DotnetCli.RunAsync(app, "dotnet", "build", "-c", "Release", "--nologo");

            Assert.True(File.Exists(Path.Combine(app, "bin/Release/net10.0/hello-net.dll")));
            var assets = await File.ReadAllTextAsync(Path.Combine(app, "obj/project.assets.json"));
            Assert.Contains($"\"Cnm.Plugins.Sdk/{version}\"", assets, StringComparison.Ordinal);
            Assert.Contains($"\"Cnm.Protocol/{version}\"", assets, StringComparison.Ordinal);

            // The conformance kit as a dotnet tool, installed from the feed as a user installs it.
            using (var tool = ZipFile.OpenRead(Path.Combine(feed, $"Cnm.Plugins.Check.{version}.nupkg")))
            {
                Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", tool.Entries.Select(e => e.FullName));
            }

            var tools = temp.CreateDirectory("tools");
            await DotnetCli.RunAsync(app, "dotnet", "tool", "install", "Cnm.Plugins.Check", "--version", version, "--tool-path", tools,
                "--add-source", feed);
            var help = await DotnetCli.RunAsync(app, Path.Combine(tools, "cnm-plugin-check"), "--help");
            Assert.Contains("NAME|ADDRESS", help, StringComparison.Ordinal);
        }
        finally
        {
            RemoveFromPackageCache(version);
        }
    }

    private static void AssertPackage(string feed, string id, string version, string[] dependencies)
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("README.md", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);

        using var nuspecStream = package.GetEntry($"{id}.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.Equal(RemoteUrl, metadata.Element(ns + "repository")?.Attribute("url")?.Value);
        var declared = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToHashSet();
        foreach (var dependency in dependencies)
        {
            Assert.Contains(dependency, declared);
        }

        using var docs = package.GetEntry($"lib/net10.0/{id}.xml")!.Open();
        Assert.NotEmpty(XDocument.Load(docs).Descendants("member"));

        // Source link: the PDB is embedded in the DLL and maps the sources to the repository's raw URLs.
        using var dllStream = new MemoryStream();
        using (var dll = package.GetEntry($"lib/net10.0/{id}.dll")!.Open())
        {
            dll.CopyTo(dllStream);
        }

        dllStream.Position = 0;
        using var pe = new PEReader(dllStream);
        var embedded = pe.ReadDebugDirectory().Single(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        using var pdbProvider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
        var pdb = pdbProvider.GetMetadataReader();
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        var sourceLink = pdb.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
            .Select(pdb.GetCustomDebugInformation)
            .Where(c => pdb.GetGuid(c.Kind) == sourceLinkKind)
            .Select(c => Encoding.UTF8.GetString(pdb.GetBlobBytes(c.Value)))
            .SingleOrDefault();
        Assert.NotNull(sourceLink);
        Assert.Contains("raw.githubusercontent.com/cnm-test/cnm", sourceLink, StringComparison.Ordinal);
    }

    private static string Quickstart(string readme)
    {
        var match = QuickstartBlock().Match(readme);
        Assert.True(match.Success, "the README has no csharp block");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickstartBlock();

    private static string CopyTree(string destination)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Plugins.sln")))
        {
            root = root.Parent ?? throw new DirectoryNotFoundException("the repository root (Plugins.sln) is not above the tests");
        }

        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "plugins/Directory.Build.props" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(destination, file))!);
            File.Copy(Path.Combine(root.FullName, file), Path.Combine(destination, file));
        }

        foreach (var project in new[] { "src/Cnm.Protocol", "src/Cnm.Plugins", "plugins/Cnm.Plugins.Sdk", "plugins/Cnm.Plugins.Testing", "plugins/Cnm.Plugins.Conformance", "plugins/Cnm.Plugins.Check" })
        {
            var source = Path.Combine(root.FullName, project);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal))
                {
                    continue;
                }

                var target = Path.Combine(destination, project, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        return destination;
    }

    private static void RemoveFromPackageCache(string version)
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "cnm.protocol", "cnm.plugins", "cnm.plugins.sdk", "cnm.plugins.testing", "cnm.plugins.conformance", "cnm.plugins.check" })
        {
            var directory = Path.Combine(cache, id, version);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
