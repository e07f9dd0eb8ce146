using Cnm.Core.Errors;
using Cnm.Core.Sandboxes;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Linux.Sandboxes;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// The sandbox provider cnmd runs with (<c>--sandbox</c>): network namespaces (<see cref="LinuxSandboxProvider"/>,
/// the default) or the in-memory model. The Linux one is refused at start-up, before anything is changed on disk,
/// when the process lacks CAP_SYS_ADMIN or CAP_NET_ADMIN, and when <c>--host-netns</c> is not a network namespace.
/// </summary>
internal static partial class SandboxSetup
{
    /// <summary>Throws <see cref="InvalidOperationException"/> when the Linux provider cannot work in this process.</summary>
    public static void CheckPrivileges(DaemonOptions options, IReadOnlyList<string>? missing = null)
    {
        if (options.InMemorySandboxes)
        {
            return;
        }

        missing ??= Capabilities.MissingForSandboxes();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"--sandbox linux: cnmd needs CAP_SYS_ADMIN and CAP_NET_ADMIN to create network namespaces and move interfaces, "
                + $"and this process lacks {string.Join(" and ", missing)}. Run cnmd as root (or grant it both capabilities), "
                + "or start it with --sandbox memory (a test and dry-run mode: sandboxes are a model only, no interface is moved)");
        }
    }

    /// <summary>Creates the provider, or prints why it cannot (<c>cnmd: error: …</c>) and returns null.</summary>
    public static async Task<ISandboxProvider?> TryCreateAsync(DaemonOptions options, ILogger logger)
    {
        try
        {
            var provider = await CreateAsync(options, CancellationToken.None).ConfigureAwait(false);
            if (options.InMemorySandboxes)
            {
                InMemorySandboxes(logger);
            }

            return provider;
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// Creates the provider. For <c>--host-netns</c>, checks first that the path can be entered as a network
    /// namespace (InvalidOperationException naming it otherwise).
    /// </summary>
    public static async Task<ISandboxProvider> CreateAsync(DaemonOptions options, CancellationToken cancellationToken)
    {
        if (options.InMemorySandboxes)
        {
            return new InMemorySandboxProvider(Path.Combine(options.ExecRoot, "netns"));
        }

        if (options.HostNetns is { } hostNetns)
        {
            try
            {
                using var probe = await NetlinkClient.OpenAsync(hostNetns, cancellationToken).ConfigureAwait(false);
            }
            catch (CnmException ex)
            {
                throw new InvalidOperationException($"--host-netns {hostNetns}: cannot use it as the host network namespace: {ex.Message}", ex);
            }
        }

        var crash = CrashHook.FromEnvironment(); // the kernel steps of spec/linux-sandboxes.md, "Crash safety"
        return new LinuxSandboxProvider(new LinuxSandboxOptions
        {
            ExecRoot = options.ExecRoot,
            HostNetnsPath = options.HostNetns,
            AfterStep = crash is null ? null : step => crash(step).GetAwaiter().GetResult(),
        });
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "--sandbox memory: sandboxes are a model only; no namespace is made and no interface a plugin names is moved")]
    private static partial void InMemorySandboxes(ILogger logger);
}
