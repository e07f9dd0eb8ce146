using BenchmarkDotNet.Running;
using Cnm.Benchmarks;

// `lifecycle [count] [warm-up]`: the endpoint-lifecycle runner, which prints every figure at once.
if (args.Length > 0 && args[0] == "lifecycle")
{
    return await LifecycleRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

// `api [cycles] [rounds] [warm-up] [cnmd]`: network create + delete through a real cnmd.
if (args.Length > 0 && args[0] == "api")
{
    return await ApiRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

// `durable [cycles] [rounds] [warm-up] [cnmd]`: the api cycle with --store memory, --store-sync normal and full side by side.
if (args.Length > 0 && args[0] == "durable")
{
    return await DurableRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

// `restore [networks] [endpoints-per-network] [starts] [cnmd]`: start to ready on a seeded data root.
if (args.Length > 0 && args[0] == "restore")
{
    return await RestoreRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

// `startup [runs] [idle-seconds] [cnmd]`: cnmd time to ready and idle RSS.
if (args.Length > 0 && args[0] == "startup")
{
    return await StartupRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

// `cli [runs] [cnm...]`: `cnm network ls` against `docker network ls`.
if (args.Length > 0 && args[0] == "cli")
{
    return await CliRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

// `cluster-alloc [per-node] [workers-per-node] [rounds]`: two nodes allocating addresses on one 3-member etcd.
if (args.Length > 0 && args[0] == "cluster-alloc")
{
    return await ClusterAllocationRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
