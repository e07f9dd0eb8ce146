using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Cnm.Daemon.DockerApi;

/// <summary>
/// What <c>/version</c> and <c>/info</c> say about this build and this host: the version and commit stamped at build
/// time (the SDK's SourceRevisionId, appended to the informational version, and the <c>CnmBuildTime</c> metadata
/// from Cnm.Daemon.csproj), and the kernel as uname(2) reports it.
/// </summary>
internal static class EngineInfo
{
    /// <summary>Said when the build had no git checkout to read the commit or its time from.</summary>
    public const string Unknown = "unknown";

    private static readonly Lazy<Uname> Host = new(Uname.Read);

    /// <summary>The informational version without the commit suffix, e.g. <c>1.0.0</c>.</summary>
    public static string Version { get; } = Informational().Split('+', 2)[0];

    /// <summary>The full commit id the build came from, or <see cref="Unknown"/>.</summary>
    public static string GitCommit { get; } = Informational().Split('+', 2) is [_, { Length: > 0 } commit] ? commit : Unknown;

    /// <summary>The build's time stamp (RFC 3339; the commit's time, see spec/daemon-api.md), or <see cref="Unknown"/>.</summary>
    public static string BuildTime { get; } = typeof(EngineInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "CnmBuildTime")?.Value is { Length: > 0 } time ? time : Unknown;

    /// <summary>The runtime in place of Go's version.</summary>
    public static string RuntimeVersion => RuntimeInformation.FrameworkDescription;

    /// <summary>Go's GOARCH names, as Docker reports <c>Arch</c>.</summary>
    public static string Arch => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.X86 => "386",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The kernel release from uname(2), e.g. <c>6.1.0-18-amd64</c>.</summary>
    public static string KernelVersion => Host.Value.Release;

    /// <summary>The machine from uname(2), e.g. <c>x86_64</c> (Docker's <c>Architecture</c> in /info).</summary>
    public static string Machine => Host.Value.Machine;

    /// <summary>The host name from uname(2).</summary>
    public static string NodeName => Host.Value.NodeName;

    private static string Informational() =>
        typeof(EngineInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private sealed record Uname(string NodeName, string Release, string Machine)
    {
        // struct utsname on Linux: six fields of 65 bytes (sysname, nodename, release, version, machine, domainname).
        private const int FieldLength = 65;

        public static Uname Read()
        {
            var buffer = new byte[FieldLength * 6];
            if (NativeMethods.uname(buffer) != 0)
            {
                return new Uname(Environment.MachineName, Unknown, Unknown);
            }

            return new Uname(Field(buffer, 1), Field(buffer, 2), Field(buffer, 4));
        }

        private static string Field(byte[] buffer, int index)
        {
            var field = buffer.AsSpan(index * FieldLength, FieldLength);
            var end = field.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true, ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int uname([Out] byte[] buffer);
    }
}
