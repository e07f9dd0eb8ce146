namespace Cnm.DaemonBench;

/// <summary>One kind of cycle the client repeats: set up once per target and client, then cycled, then torn down.</summary>
internal abstract class Scenario
{
    public abstract string Name { get; }

    /// <summary>What one cycle is, for the table.</summary>
    public abstract string Description { get; }

    /// <summary>Whether the scenario counts plugin time (host time per call is then reported).</summary>
    public virtual bool CallsPlugin => true;

    public virtual bool Supports(BenchTarget target) => true;

    /// <summary>Why the scenario does not run on <paramref name="target"/>, for the table.</summary>
    public virtual string Unsupported(BenchTarget target) => "";

    public virtual Task SetupAsync(BenchTarget target, HttpClient[] clients, string driver) => Task.CompletedTask;

    public virtual Task TeardownAsync(BenchTarget target, HttpClient[] clients) => Task.CompletedTask;

    /// <summary>One cycle on <paramref name="client"/> (index <paramref name="index"/>); <paramref name="tag"/> is unique in the run.</summary>
    public abstract Task CycleAsync(BenchTarget target, int index, HttpClient client, string tag, string driver);
}
