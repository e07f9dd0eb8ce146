using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Registry;

public sealed partial class PluginRegistry
{
    private static partial class Log
    {
        [LoggerMessage(PluginEventIds.PluginActivated, LogLevel.Information, "Plugin {Plugin} at {Address} activated (generation {Generation}); it implements {Implements}")]
        public static partial void Activated(ILogger logger, string plugin, Uri address, string implements, int generation);

        [LoggerMessage(PluginEventIds.TlsNotVerified, LogLevel.Warning,
            "Plugin {Plugin} is reached over {Address} without verifying its certificate (spec file {SpecFile}); give it a TLSConfig with a CAFile, or refuse such plugins with --plugin-tls-verify")]
        public static partial void TlsNotVerified(ILogger logger, string plugin, Uri address, string specFile);

        [LoggerMessage(PluginEventIds.ActivationFailed, LogLevel.Warning, "Plugin {Plugin} at {Address} could not be activated: {Reason}")]
        public static partial void ActivationFailed(ILogger logger, string plugin, Uri address, string reason, Exception exception);

        [LoggerMessage(PluginEventIds.HandlerFailed, LogLevel.Error, "A {Interface} subscriber failed on the {Kind} event of plugin {Plugin}: {Reason}")]
        public static partial void HandlerFailed(ILogger logger, string plugin, string @interface, PluginEventKind kind, string reason, Exception exception);

        [LoggerMessage(PluginEventIds.PluginGone, LogLevel.Information, "Plugin {Plugin} is gone: {Reason}")]
        public static partial void PluginGone(ILogger logger, string plugin, string reason);
    }
}
