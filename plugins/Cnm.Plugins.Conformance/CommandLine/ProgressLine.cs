namespace Cnm.Plugins.Conformance.CommandLine;

/// <summary>
/// The "[n/12] check" line while the kit runs: on a terminal one line rewritten in place and erased at the end; when
/// standard error is redirected (CI logs), one line per check.
/// </summary>
internal sealed class ProgressLine(TextWriter writer, bool interactive) : IProgress<string>
{
    private bool _shown;

    public void Report(string value)
    {
        if (interactive)
        {
            writer.Write("\r\u001b[K" + value);
            _shown = true;
        }
        else
        {
            writer.WriteLine("checking " + value);
        }

        writer.Flush();
    }

    /// <summary>Erases the line on a terminal.</summary>
    public void Clear()
    {
        if (_shown)
        {
            writer.Write("\r\u001b[K");
            writer.Flush();
        }
    }
}
