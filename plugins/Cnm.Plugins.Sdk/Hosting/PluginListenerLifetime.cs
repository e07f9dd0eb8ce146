using Microsoft.Extensions.Hosting;

namespace Cnm.Plugins.Sdk.Hosting;

/// <summary>
/// Runs a listener's file work around the server: after it has bound (set the socket's permissions, write the
/// spec file with the real port) and after it has stopped (remove the file again).
/// </summary>
internal sealed class PluginListenerLifetime(Action started, Action stopped) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        started();
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        stopped();
        return Task.CompletedTask;
    }
}
