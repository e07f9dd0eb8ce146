using System.CommandLine;
using Cnm.Plugins.Conformance.CommandLine;

namespace Cnm.Cli;

/// <summary>
/// <c>cnm plugin check NAME|ADDRESS</c>: the conformance kit against a plugin, straight to the plugin (cnmd is not
/// involved). The same command as the <c>cnm-plugin-check</c> dotnet tool (spec/conformance.md).
/// </summary>
internal static class PluginCheckCommand
{
    public static Command Create() => ConformanceCommand.Create("check");
}
