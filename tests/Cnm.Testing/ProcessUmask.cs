using System.Runtime.InteropServices;

namespace Cnm.Testing;

/// <summary>Sets this process's umask until disposed; a child process started meanwhile inherits it.</summary>
public sealed class ProcessUmask : IDisposable
{
    private readonly uint _previous;

    public ProcessUmask(uint mask) => _previous = umask(mask);

    public void Dispose() => _ = umask(_previous);

    [DllImport("libc", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint umask(uint mask);
}
