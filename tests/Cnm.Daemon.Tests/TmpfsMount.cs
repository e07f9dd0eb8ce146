using System.Diagnostics;
using System.Globalization;

namespace Cnm.Daemon.Tests;

/// <summary>
/// A small tmpfs that a test mounts on a directory it owns (root only, as CI runs): a disk that fills up, or
/// a file system remounted read-only. Root ignores file modes, so a mount is the only honest read-only data
/// root. Always unmounted on dispose, lazily as the last resort.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private bool _mounted;

    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="sizeKiB"/> KiB on <paramref name="path"/> (created if needed).</summary>
    public static TmpfsMount Mount(string path, int sizeKiB, bool readOnly = false)
    {
        Directory.CreateDirectory(path);
        var mount = new TmpfsMount(path);
        var options = string.Create(CultureInfo.InvariantCulture, $"size={sizeKiB}k,mode=0755{(readOnly ? ",ro" : "")}");
        Run("mount", "-t", "tmpfs", "-o", options, "cnm-test", path);
        mount._mounted = true;
        return mount;
    }

    /// <summary>Remounts the file system read-only (or read-write again).</summary>
    public void Remount(bool readOnly) => Run("mount", "-o", readOnly ? "remount,ro" : "remount,rw", Path);

    /// <summary>
    /// Writes a file of zeros until the file system refuses with ENOSPC, so that no new block can be
    /// allocated; returns the file's path.
    /// </summary>
    public string Fill(string name = "filler")
    {
        var filler = System.IO.Path.Combine(Path, name);
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        foreach (var size in new[] { 64 * 1024, 4096, 1 })
        {
            var chunk = new byte[size];
            try
            {
                while (true)
                {
                    stream.Write(chunk);
                }
            }
            catch (IOException)
            {
                // Full at this granularity; try smaller writes to take the last partial block.
            }
        }

        return filler;
    }

    public void Dispose()
    {
        if (!_mounted)
        {
            return;
        }

        _mounted = false;
        if (Execute("umount", Path).Code != 0)
        {
            Execute("umount", "-l", Path);
        }
    }

    /// <summary>Runs a command and fails with its output when it exits non-zero.</summary>
    public static void Run(string file, params string[] args)
    {
        var (code, output) = Execute(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {code}: {output}");
        }
    }

    private static (int Code, string Output) Execute(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
