namespace Cnm.Linux.Sandboxes;

/// <summary>Where <see cref="LinuxSandboxProvider"/> keeps sandboxes, and which namespace is its "host".</summary>
public sealed record LinuxSandboxOptions
{
    /// <summary>
    /// The exec root: namespaces are bind-mounted at <c>{ExecRoot}/netns/{first 12 chars of the id}</c> (the
    /// SandboxKey plugins are told) and resolver files written to <c>{ExecRoot}/sandboxes/{id}/</c>.
    /// </summary>
    public required string ExecRoot { get; init; }

    /// <summary>
    /// The namespace Cnm treats as the host (<c>--host-netns</c>): interfaces named by SrcName are taken from it and
    /// given back to it on Leave. Null for the process's own namespace.
    /// </summary>
    public string? HostNetnsPath { get; init; }

    /// <summary>The host's resolver configuration that sandboxes' resolv.conf is derived from.</summary>
    public string HostResolvConfPath { get; init; } = "/etc/resolv.conf";

    /// <summary>
    /// Test hook called after each kernel step as <c>operation:step</c> (for example <c>join:move</c>,
    /// <c>sandbox-create:netns</c>; the list is in spec/linux-sandboxes.md, "Crash safety"); cnmd sets it from
    /// <c>CNM_TEST_CRASH_AFTER</c> to kill itself there. Null: no hook.
    /// </summary>
    public Action<string>? AfterStep { get; init; }
}
