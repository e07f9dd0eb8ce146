using System.CommandLine;

namespace Cnm.Cli;

/// <summary>
/// <c>cnm completion bash|zsh|fish</c>: prints a script that asks cnm itself for completions through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, so no dotnet-suggest tool is needed.
/// </summary>
internal static class CompletionCommand
{
    // Each script joins the words after "cnm" up to the cursor with single spaces and passes that line and
    // its length (the cursor position) to the directive; cnm answers one candidate per line.
    private const string Bash = """
        # cnm completion for bash. Load it with:  source <(cnm completion bash)
        _cnm_complete()
        {
            local words=("${COMP_WORDS[@]:1:COMP_CWORD}")
            local line="${words[*]}"
            local candidates
            candidates=$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$candidates" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _cnm_complete cnm

        """;

    private const string Zsh = """
        #compdef cnm
        # cnm completion for zsh. Load it with:  source <(cnm completion zsh)  (after compinit)
        _cnm_complete() {
            local line="${words[2,CURRENT]}"
            local -a candidates
            candidates=("${(@f)$(${words[1]} "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -- ${candidates:#}
        }
        compdef _cnm_complete cnm

        """;

    private const string Fish = """
        # cnm completion for fish. Load it with:  cnm completion fish | source
        function __cnm_complete
            set -l tokens (commandline -opc)
            set -l line (string join ' ' -- $tokens[2..-1] (commandline -ct))
            $tokens[1] "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c cnm -f -a '(__cnm_complete)'

        """;

    /// <summary>The <c>completion</c> command.</summary>
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command("completion", "Print a shell completion script (bash, zsh or fish)") { shell };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var script = parse.GetValue(shell) switch
            {
                "zsh" => Zsh,
                "fish" => Fish,
                _ => Bash,
            };
            await Console.Out.WriteAsync(script.AsMemory(), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
