using Cnm.Testing;

namespace Cnm.Daemon.Tests;

/// <summary>Issue 10, "State permissions": cnmd creates its data root and exec root 0710 and its state file 0600, whatever the umask.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StatePermissionTests
{
    private const UnixFileMode Mode0710 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute;
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Start_Umask000_DataRootAndExecRoot0710_StateFile0600()
    {
        using var temp = new TempDirectory("cnmd");
        var (data, exec) = (temp.File("data"), temp.File("exec"));
        DaemonProcess daemon;
        using (new ProcessUmask(0)) // cnmd inherits the most permissive umask
        {
            daemon = DaemonProcess.Start(["--host", "unix://" + temp.File("d.sock"), "--group", "root", "--plugin-dir", temp.File("p"),
                "--spec-dir", temp.File("s"), "--data-root", data, "--exec-root", exec]);
        }

        using (daemon)
        {
            await daemon.WaitReadyAsync();
            Assert.Equal(Mode0710, File.GetUnixFileMode(data));
            Assert.Equal(Mode0710, File.GetUnixFileMode(exec));
            Assert.Equal(Mode0600, File.GetUnixFileMode(Path.Combine(data, "cnm.db")));
        }
    }
}
