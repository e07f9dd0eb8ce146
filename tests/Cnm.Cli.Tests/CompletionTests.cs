using System.Diagnostics;

namespace Cnm.Cli.Tests;

/// <summary><c>cnm completion bash</c>: the script, sourced in a real bash, completes through cnm's own [suggest] directive.</summary>
public sealed class CompletionTests : IDisposable
{
    private readonly TempDirectory _temp = new("cnmcomp");

    [Theory]
    [InlineData("netw", "network")]
    [InlineData("network ls --fo", "--format")]
    [InlineData("network cr", "create")]
    public async Task BashScript_CompletesWordAtCursor(string typed, string expected)
    {
        var script = await RunCnmAsync("completion", "bash");
        Assert.Equal(0, script.ExitCode);
        var file = _temp.WriteFile("cnm.bash", script.Stdout);

        var words = typed.Split(' ');
        var program = string.Join('\n',
            $"cnm() {{ dotnet '{CnmCli.CliDll}' \"$@\"; }}",
            $"source '{file}'",
            "COMP_WORDS=(cnm " + string.Join(' ', words.Select(w => "'" + w + "'")) + ")",
            $"COMP_CWORD={words.Length}",
            "_cnm_complete",
            "printf '%s\\n' \"${COMPREPLY[@]}\"");
        var bash = await RunAsync("bash", "-c", program);
        Assert.True(bash.ExitCode == 0, bash.Output);
        var candidates = bash.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(expected, candidates);
        Assert.All(candidates, c => Assert.StartsWith(words[^1], c, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("zsh", "compdef _cnm_complete cnm")]
    [InlineData("fish", "complete -c cnm")]
    public async Task OtherShells_ScriptsCallSuggestDirective(string shell, string registration)
    {
        var script = await RunCnmAsync("completion", shell);
        Assert.Equal(0, script.ExitCode);
        Assert.Contains(registration, script.Stdout, StringComparison.Ordinal);
        Assert.Contains("[suggest:", script.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownShell_UsageError()
    {
        var result = await RunCnmAsync("completion", "tcsh");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("tcsh", result.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();

    private static Task<(int ExitCode, string Stdout, string Output)> RunCnmAsync(params string[] args) =>
        RunWithStdoutAsync("dotnet", [CnmCli.CliDll, .. args]);

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var (code, _, output) = await RunWithStdoutAsync(file, args);
        return (code, output);
    }

    private static async Task<(int ExitCode, string Stdout, string Output)> RunWithStdoutAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        var output = await stdout;
        return (process.ExitCode, output, output + await stderr);
    }
}
