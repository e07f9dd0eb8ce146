namespace Cnm.Plugins.Registry;

/// <summary>The state of a plugin in the registry, for listings such as <c>cnm plugin ls</c>.</summary>
public enum PluginState
{
    /// <summary>Its first activation is in flight.</summary>
    Activating,
    /// <summary>Activated; calls go to <see cref="ActivePlugin.Client"/>.</summary>
    Active,
    /// <summary>Its socket or spec file went away after it was known.</summary>
    Gone,
    /// <summary>The last activation failed, so calls cannot reach it; see <see cref="PluginStatus.LastError"/>.</summary>
    Unavailable,
}
