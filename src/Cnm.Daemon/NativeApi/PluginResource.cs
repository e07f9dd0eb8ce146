namespace Cnm.Daemon.NativeApi;

/// <summary>A plugin in native API answers: its registry state (per-method call counts and latency come with the metrics).</summary>
internal sealed record PluginResource(string Name, string State, string? Address, string? Source, List<string> Implements,
    int Activations, string? LastError, string Since);
