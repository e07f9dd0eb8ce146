using System.Diagnostics;
using System.Globalization;

namespace Cnm.Daemon.Hosting;

/// <summary>Resolves <c>--group</c> to a group id, as dockerd does: <c>/etc/group</c> first, then <c>getent group</c> (NSS).</summary>
internal static class UnixGroup
{
    /// <summary>The group used when none is configured and it exists.</summary>
    public const string DefaultName = "docker";

    /// <summary>
    /// The id of <paramref name="group"/> (a name or a number); null means <see cref="DefaultName"/> when it
    /// exists, else 0. Throws <see cref="InvalidOperationException"/> for an unknown group.
    /// </summary>
    public static int Resolve(string? group)
    {
        if (string.IsNullOrWhiteSpace(group))
        {
            return Lookup(DefaultName) ?? 0;
        }

        if (int.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        return Lookup(group) ?? throw new InvalidOperationException(
            $"--group {group}: no such group (not in /etc/group, nor known to getent)");
    }

    private static int? Lookup(string name)
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/group"))
            {
                if (ParseLine(line, name) is { } id)
                {
                    return id;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Fall through to getent.
        }

        return LookupWithGetent(name);
    }

    private static int? LookupWithGetent(string name)
    {
        try
        {
            var info = new ProcessStartInfo("getent") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("group");
            info.ArgumentList.Add(name);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? ParseLine(output.Trim(), name) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no getent on this machine
        }
    }

    // name:password:gid:members
    private static int? ParseLine(string line, string name)
    {
        var fields = line.Split(':');
        return fields.Length >= 3 && fields[0] == name
            && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}
