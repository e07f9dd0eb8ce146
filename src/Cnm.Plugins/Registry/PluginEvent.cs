namespace Cnm.Plugins.Registry;

/// <summary>One event delivered to a <see cref="PluginRegistry.Handle"/> subscriber.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Interface">The interface the subscription is for, such as <c>NetworkDriver</c>.</param>
/// <param name="Plugin">The plugin; for <see cref="PluginEventKind.Gone"/>, its last activation.</param>
public sealed record PluginEvent(PluginEventKind Kind, string Interface, ActivePlugin Plugin)
{
    /// <summary>The plugin name.</summary>
    public string Name => Plugin.Name;
}
