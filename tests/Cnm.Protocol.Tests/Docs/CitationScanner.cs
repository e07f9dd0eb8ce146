using System.Text.RegularExpressions;

namespace Cnm.Protocol.Tests.Docs;

/// <summary>One cited path that points at nothing in the repository.</summary>
internal sealed record BrokenCitation(string File, int Line, string Target)
{
    public override string ToString() => $"{File}:{Line}: {Target}";
}

/// <summary>
/// Finds the paths that the repository's source, tests and specs cite (<c>*.md</c> files and <c>docs/</c>
/// paths) and checks that each one exists, relative to the repository root or to the citing file.
/// </summary>
internal static partial class CitationScanner
{
    /// <summary>The trees whose files may cite documents; the root's README is read too.</summary>
    public static readonly string[] ScannedTrees = ["src", "tests", "spec", "plugins", "docs"];

    private static readonly HashSet<string> TextExtensions =
        new([".cs", ".md", ".csproj", ".props", ".targets", ".sh", ".json", ".yml", ".yaml", ".txt"], StringComparer.Ordinal);

    private static readonly HashSet<string> SkippedDirectories = new(["bin", "obj", ".git", "node_modules"], StringComparer.Ordinal);

    /// <summary>The repository root: the first directory above the test assembly that holds <c>Plugins.sln</c>.</summary>
    public static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Plugins.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException($"no Plugins.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// Every text file under the scanned trees, and <c>README.md</c>, as paths relative to <paramref name="root"/>
    /// with '/' separators.
    /// </summary>
    public static IReadOnlyList<string> TextFiles(string root)
    {
        var files = new List<string>();
        if (File.Exists(Path.Combine(root, "README.md")))
        {
            files.Add("README.md");
        }

        foreach (var tree in ScannedTrees)
        {
            var top = Path.Combine(root, tree);
            if (Directory.Exists(top))
            {
                Collect(root, top, files);
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// The citations in the scanned trees whose target does not exist; files under <paramref name="skip"/>
    /// (a path prefix relative to the root) are not read.
    /// </summary>
    public static IReadOnlyList<BrokenCitation> FindBroken(string root, string? skip = null)
    {
        var broken = new List<BrokenCitation>();
        foreach (var file in TextFiles(root))
        {
            if (skip is not null && file.StartsWith(skip, StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(Path.Combine(root, file));
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var target in Targets(lines[i], isCSharp: file.EndsWith(".cs", StringComparison.Ordinal)))
                {
                    if (!Resolves(root, file, target))
                    {
                        broken.Add(new BrokenCitation(file, i + 1, target));
                    }
                }
            }
        }

        return broken;
    }

    /// <summary>The cited paths on one line: <c>*.md</c> files (with or without a directory) and <c>docs/</c> paths.</summary>
    public static IEnumerable<string> Targets(string line, bool isCSharp)
    {
        var text = Url().Replace(line, " ");
        foreach (Match m in MarkdownPath().Matches(text))
        {
            // A C# string that is nothing but a file name is test data (a file a test creates), not a citation.
            var quoted = isCSharp && m.Index > 0 && text[m.Index - 1] == '"'
                && m.Index + m.Length < text.Length && text[m.Index + m.Length] == '"';
            if (!quoted)
            {
                yield return m.Value;
            }
        }

        foreach (Match m in DocsPath().Matches(text))
        {
            if (!m.Value.EndsWith(".md", StringComparison.Ordinal))
            {
                yield return m.Value;
            }
        }
    }

    private static bool Resolves(string root, string citingFile, string target)
    {
        var fromRoot = Path.GetFullPath(Path.Combine(root, target));
        var fromFile = Path.GetFullPath(Path.Combine(root, Path.GetDirectoryName(citingFile) ?? "", target));
        return Inside(root, fromRoot) && Exists(fromRoot) || Inside(root, fromFile) && Exists(fromFile);
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    private static bool Inside(string root, string path) =>
        path.StartsWith(Path.GetFullPath(root).TrimEnd('/') + "/", StringComparison.Ordinal);

    private static void Collect(string root, string dir, List<string> files)
    {
        foreach (var sub in Directory.EnumerateDirectories(dir))
        {
            if (!SkippedDirectories.Contains(Path.GetFileName(sub)))
            {
                Collect(root, sub, files);
            }
        }

        foreach (var file in Directory.EnumerateFiles(dir))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (TextExtensions.Contains(Path.GetExtension(file)) || relative == "tests/run")
            {
                files.Add(relative);
            }
        }
    }

    [GeneratedRegex(@"\b[a-z][a-z0-9+.-]*://\S+", RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<![\w/.-])(?:\.{1,2}/)*[\w.-]+(?:/[\w.-]+)*\.md\b", RegexOptions.CultureInvariant)]
    private static partial Regex MarkdownPath();

    [GeneratedRegex(@"(?<![\w/.-])(?:\.\./)*docs/[\w.-]*\w(?:/[\w.-]*\w)*", RegexOptions.CultureInvariant)]
    private static partial Regex DocsPath();
}
