using System.CommandLine;
using Cnm.Cli;

var root = Commands.Build();
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync("cnm: " + error.Message).ConfigureAwait(false);
    }

    await Console.Error.WriteLineAsync("Run 'cnm --help' for usage.").ConfigureAwait(false);
    return 2;
}

return await parse.InvokeAsync().ConfigureAwait(false);
