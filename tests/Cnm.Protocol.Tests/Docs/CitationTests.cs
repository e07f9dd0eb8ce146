using System.Text.RegularExpressions;
using Cnm.Testing;

namespace Cnm.Protocol.Tests.Docs;

/// <summary>
/// The documents the code cites are in the repository (docs/architecture.md, "How it is tested"): every
/// cited <c>*.md</c> file or <c>docs/</c> path exists, nothing points at the design notes that lived outside
/// the repository, and every test that docs/decisions.md names exists.
/// </summary>
public partial class CitationTests
{
    // Names of the notes that lived outside the repository. Their citations were rewritten into docs/;
    // a new one means a citation that a clone of the repository cannot follow.
    private static readonly string[] OutsideNotes =
        ["../shared", "DECISIONS.md", "ARCHITECTURE.md", "STYLE.md", "protocol-facts", "test-infra.md", "user-needs.md", "style-anchors.md"];

    private static readonly string Root = CitationScanner.FindRepositoryRoot();

    // This folder names the old notes and missing files on purpose: to look for them, and as test data.
    private const string OwnFolder = "tests/Cnm.Protocol.Tests/Docs/";

    [Fact]
    public void Citations_InSrcTestsSpecPluginsAndReadme_PointToFilesInTheRepository()
    {
        var broken = CitationScanner.FindBroken(Root, skip: OwnFolder);

        Assert.True(broken.Count == 0, "citations whose target is not in the repository:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void Citations_OfNotesOutsideTheRepository_AreGone()
    {
        var found = new List<string>();
        foreach (var file in CitationScanner.TextFiles(Root))
        {
            if (file.StartsWith(OwnFolder, StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(Path.Combine(Root, file));
            for (var i = 0; i < lines.Length; i++)
            {
                found.AddRange(OutsideNotes
                    .Where(note => lines[i].Contains(note, StringComparison.Ordinal))
                    .Select(note => $"{file}:{i + 1}: {note}"));
            }
        }

        Assert.True(found.Count == 0, "citations of notes outside the repository (cite docs/ instead):\n" + string.Join('\n', found));
    }

    [Fact]
    public void FindBroken_CitationOfAMissingFile_IsReportedWithFileAndLine()
    {
        using var repo = new TempDirectory();
        repo.WriteFile("Plugins.sln", "");
        repo.WriteFile("docs/decisions.md", "# decisions\n");
        repo.WriteFile("spec/store.md", "see `other.md` and [d](../docs/decisions.md)\n");
        repo.WriteFile("src/A/A.cs",
            "// fine (docs/decisions.md, \"x\"), spec/store.md, https://example.com/README.md, follows docs/decisions.md.\n" +
            "// broken (docs/reference-host.md §3.14) and docs/nothing/\n" +
            "var f = \"readme.md\"; // a file name in a string is data\n");

        var broken = CitationScanner.FindBroken(repo.Path).Select(b => b.ToString());

        Assert.Equal(["spec/store.md:1: other.md", "src/A/A.cs:2: docs/reference-host.md", "src/A/A.cs:2: docs/nothing"], broken);
    }

    [Fact]
    public void Decisions_EveryNamedTest_ExistsInTests()
    {
        var docs = Directory.GetFiles(Path.Combine(Root, "docs"), "*.md");
        var named = docs
            .SelectMany(d => TestName().Matches(File.ReadAllText(d)).Select(m => (Class: m.Groups[1].Value, Method: m.Groups[2].Value)))
            .Distinct()
            .ToList();
        var sources = Directory.GetFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();

        var missing = named
            .Where(n => !sources.Any(s => Regex.IsMatch(s, $@"\bclass {n.Class}\b") && s.Contains($" {n.Method}(", StringComparison.Ordinal)))
            .Select(n => $"{n.Class}.{n.Method}")
            .ToList();

        Assert.NotEmpty(named);
        Assert.True(missing.Count == 0, "tests named in docs/ that do not exist:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Readme_LinksTheThreeDesignDocs()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));

        foreach (var doc in new[] { "docs/design.md", "docs/architecture.md", "docs/decisions.md" })
        {
            Assert.Contains($"]({doc})", readme, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Root, doc)), $"{doc} is missing");
        }
    }

    // `SomeTests.Method_Scenario_Expected`, as docs/decisions.md names the tests that pin a row.
    [GeneratedRegex(@"`([A-Z]\w*Tests)\.([A-Z]\w*_\w+)`", RegexOptions.CultureInvariant)]
    private static partial Regex TestName();
}
