using System.Net;

namespace Cnm.Daemon.Tests;

/// <summary>
/// The two ways cnmd serves its OpenAPI document (spec/daemon-api.md, its introduction): the JIT build generates it from
/// the routes, the Native AOT publish serves the committed spec/daemon-api.json embedded in the binary. This class runs the
/// JIT cnmd even when CNM_DAEMON_PATH names a native one (as tests/run does), so the file is checked against the generator
/// in every run; OpenApiTests checks whatever cnmd the run uses against the file.
/// </summary>
public sealed class OpenApiGeneratedTests
{
    [Fact]
    public async Task Document_GeneratedByJitCnmd_EqualsSpecFile()
    {
        using var temp = new TempDirectory("cnmd-openapi");
        var socket = temp.File("cnmd.sock");
        using var daemon = DaemonProcess.Start(
            ["--host", "unix://" + socket, "--plugin-dir", temp.CreateDirectory("plugins"), "--spec-dir", temp.CreateDirectory("specs"),
             "--data-root", temp.File("data"), "--exec-root", temp.File("exec"), "--store", "memory"],
            executable: DaemonProcess.DaemonDll);
        await daemon.WaitReadyAsync();
        using var http = DaemonFixture.CreateClient(socket);
        using var response = await http.GetAsync("/cnm/v1/openapi.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");

        var differences = OpenApiSpecFile.Differences(await File.ReadAllTextAsync(OpenApiSpecFile.FilePath), OpenApiSpecFile.Format(text));
        Assert.True(differences.Count == 0,
            $"spec/daemon-api.json is not what the JIT cnmd generates ({differences.Count} differences):\n  {string.Join("\n  ", differences)}\n"
            + $"If the change is intended, regenerate it with: {OpenApiSpecFile.RegenerateCommand}");
    }

    [Fact]
    public async Task Document_ServedByRunsCnmd_IsSpecFile_ByteForByteWhenNative()
    {
        using var temp = new TempDirectory("cnmd-openapi");
        var socket = temp.File("cnmd.sock");
        using var daemon = DaemonProcess.Start(
            ["--host", "unix://" + socket, "--plugin-dir", temp.CreateDirectory("plugins"), "--spec-dir", temp.CreateDirectory("specs"),
             "--data-root", temp.File("data"), "--exec-root", temp.File("exec"), "--store", "memory"]);
        await daemon.WaitReadyAsync();
        using var http = DaemonFixture.CreateClient(socket);
        using var response = await http.GetAsync("/cnm/v1/openapi.json");
        var served = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var file = await File.ReadAllBytesAsync(OpenApiSpecFile.FilePath);
        if (DaemonProcess.NativeDaemon is not null)
        {
            Assert.Equal(file, served); // the embedded file, unchanged
        }
        else
        {
            Assert.Equal(System.Text.Encoding.UTF8.GetString(file), OpenApiSpecFile.Format(System.Text.Encoding.UTF8.GetString(served)));
        }
    }
}
