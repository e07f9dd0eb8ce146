using BenchmarkDotNet.Running;
using Cnm.Benchmarks;

// `lifecycle [count] [warm-up]`: the endpoint-lifecycle runner, which prints every figure at once.
if (args.Length > 0 && args[0] == "lifecycle")
{
    return await LifecycleRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
