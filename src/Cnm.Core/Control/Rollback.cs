namespace Cnm.Core.Control;

/// <summary>
/// Undo steps of a multi-step operation. On failure they run in reverse order; their own errors are
/// reported to <paramref name="onUndoError"/> and never replace the first error (docs/style.md, errors).
/// </summary>
internal sealed class Rollback(Action<string, Exception> onUndoError)
{
    private readonly List<(string What, Func<Task> Undo)> _steps = [];

    public void Add(string what, Func<Task> undo) => _steps.Add((what, undo));

    public async Task RunAsync()
    {
        for (var i = _steps.Count - 1; i >= 0; i--)
        {
            try
            {
                await _steps[i].Undo().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                onUndoError(_steps[i].What, ex);
            }
        }

        _steps.Clear();
    }
}
