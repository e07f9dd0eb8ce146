using Cnm.Core.Errors;

namespace Cnm.Core.Control;

/// <summary>Runs a driver call and gives a failure a message that names the object and the step.</summary>
internal static class DriverCalls
{
    public static async Task<T> RunAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Error(ex, what);
        }
    }

    public static async Task RunAsync(string what, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Error(ex, what);
        }
    }

    /// <summary>A driver's failure as a <see cref="CnmException"/> whose message starts with <paramref name="what"/>, keeping its category.</summary>
    public static CnmException Error(Exception error, string what) => error is CnmException cnm
        ? cnm.WithMessage($"{what}: {cnm.Message}")
        : CnmException.Internal($"{what}: {error.Message}", error);
}
