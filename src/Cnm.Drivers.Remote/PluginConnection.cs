using System.Text.Json.Serialization.Metadata;
using Cnm.Core.Errors;
using Cnm.Plugins;
using Cnm.Plugins.Client;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote;

/// <summary>
/// The current client of one plugin. The driver registered for the plugin keeps this connection for its
/// whole life: while the plugin is gone calls fail as Unavailable, and when it comes back the new client
/// is swapped in, with no user action (docs/decisions.md, "plugin restart").
/// </summary>
internal sealed class PluginConnection(string pluginName)
{
    private volatile PluginClient? _client;

    public string PluginName { get; } = pluginName;

    public void Attach(PluginClient client) => _client = client;

    public void Detach() => _client = null;

    public Task<TResponse> CallAsync<TResponse>(string method, JsonTypeInfo<TResponse> response, CancellationToken cancellationToken) =>
        Translate(method, client => client.CallAsync(method, response, cancellationToken));

    public Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        Translate(method, client => client.CallAsync(method, request, requestType, responseType, cancellationToken));

    /// <summary>Like <see cref="CallAsync{TRequest,TResponse}"/>, but a 404 gives null (for optional methods).</summary>
    public async Task<TResponse?> CallOptionalAsync<TRequest, TResponse>(string method, TRequest request, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) where TResponse : class
    {
        try
        {
            return await CallAsync(method, request, requestType, responseType, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginCallException ex) when (ex.StatusCode == 404)
        {
            return null;
        }
    }

    private async Task<TResponse> Translate<TResponse>(string method, Func<PluginClient, Task<TResponse>> call)
    {
        var client = _client ?? throw new PluginCallException(ErrorCategory.Unavailable,
            $"plugin \"{PluginName}\" {method}: the plugin is gone (its socket or spec file was removed); calls work again once it is back", null, null)
        {
            Plugin = PluginName,
            Method = method,
        };
        try
        {
            return await call(client).ConfigureAwait(false);
        }
        catch (PluginException ex)
        {
            throw new PluginCallException(ex.Category, ex.Message, ex.StatusCode, ex) { Plugin = PluginName, Method = method };
        }
        catch (ObjectDisposedException ex)
        {
            // The client was replaced while the call was starting: the plugin is being re-activated.
            throw new PluginCallException(ErrorCategory.Unavailable,
                $"plugin \"{PluginName}\" {method}: the plugin was replaced during the call; try again", null, ex)
            {
                Plugin = PluginName,
                Method = method,
            };
        }
    }
}
