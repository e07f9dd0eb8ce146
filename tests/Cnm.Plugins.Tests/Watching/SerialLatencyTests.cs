namespace Cnm.Plugins.Tests.Watching;

/// <summary>Latency measurements run with no other test in parallel.</summary>
[CollectionDefinition(nameof(SerialLatencyTests), DisableParallelization = true)]
public sealed class SerialLatencyTests;
