using System.Text.RegularExpressions;
using Cnm.Protocol;

namespace Cnm.Plugins.Discovery;

/// <summary>
/// The plugin-name rule. The reference joins any name into file paths verbatim, so <c>../x</c>
/// escapes the plugin directory; Cnm rejects such names before touching the file system
/// (docs/decisions.md, "plugin names").
/// </summary>
/// <remarks>
/// A <c>name:tag</c> form is accepted, and the whole <c>name:tag</c> is the file stem
/// (<c>foo:v1.sock</c>, <c>foo:v1.spec</c>): v1 plugins have no tags, so a tag only finds a plugin whose
/// file carries exactly that stem. There is no fallback from <c>foo:v1</c> to <c>foo</c>.
/// </remarks>
internal static partial class PluginNames
{
    /// <summary>The rule, as it is quoted in error messages.</summary>
    public const string Rule = "a name must match ^[A-Za-z0-9][A-Za-z0-9_.-]*$, optionally followed by :tag with a tag of the same form";

    /// <summary>True when <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>Throws <see cref="PluginException"/> (InvalidParameter) naming the name and the rule.</summary>
    public static void Validate(string? name)
    {
        if (!IsValid(name))
        {
            throw new PluginException(ErrorCategory.InvalidParameter, name ?? "", null,
                $"invalid plugin name \"{name}\": {Rule}");
        }
    }

    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_.-]*(:[A-Za-z0-9][A-Za-z0-9_.-]*)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
