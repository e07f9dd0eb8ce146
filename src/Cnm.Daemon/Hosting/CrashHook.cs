using System.Diagnostics;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// Test hook for the crash tests (spec/store.md, "Crash tests"): with <c>CNM_TEST_CRASH_AFTER=operation:step</c>
/// in the environment (for example <c>network-create:CreateNetwork</c>), cnmd kills itself with SIGKILL right
/// after the first such step, as a real <c>kill -9</c> at that point would; <c>operation:step#N</c> waits for the
/// N-th such step. Without the variable there is no hook.
/// </summary>
internal static class CrashHook
{
    public const string Variable = "CNM_TEST_CRASH_AFTER";

    public static Func<string, Task>? FromEnvironment()
    {
        var target = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(target))
        {
            return null;
        }

        var at = target.LastIndexOf('#');
        var occurrence = at > 0 && int.TryParse(target.AsSpan(at + 1), System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        var name = at > 0 ? target[..at] : target;
        var seen = 0;
        return step =>
        {
            if (string.Equals(step, name, StringComparison.Ordinal) && Interlocked.Increment(ref seen) == occurrence)
            {
                Console.Error.WriteLine($"cnmd: {Variable}: killing cnmd (SIGKILL) after {step}");
                Console.Error.Flush();
                using var self = Process.GetCurrentProcess();
                self.Kill(); // SIGKILL: nothing after this step runs, as with kill -9
            }

            return Task.CompletedTask;
        };
    }
}
