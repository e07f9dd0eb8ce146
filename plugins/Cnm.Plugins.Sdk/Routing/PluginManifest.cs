using System.Runtime.CompilerServices;
using Cnm.Protocol;
using Cnm.Protocol.Plugin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cnm.Plugins.Sdk.Routing;

/// <summary>
/// The interfaces mapped on one route builder. The first driver mapped also maps <c>/Plugin.Activate</c>
/// (listing what is mapped at the time of the call) and the Go-style 404 for every other path.
/// </summary>
internal sealed class PluginManifest
{
    private static readonly ConditionalWeakTable<IEndpointRouteBuilder, PluginManifest> Manifests = new();

    private readonly Lock _lock = new();
    private readonly List<string> _implements = [];

    public static PluginManifest For(IEndpointRouteBuilder routes) =>
        Manifests.GetValue(routes, static r =>
        {
            var manifest = new PluginManifest();
            r.Map("/" + PluginMethods.Activate, manifest.ActivateAsync);
            r.MapFallback("{*path}", static context =>
                PluginResponseWriter.WriteTextAsync(context, StatusCodes.Status404NotFound, "404 page not found"));
            return manifest;
        });

    public IReadOnlyList<string> Implements
    {
        get
        {
            lock (_lock)
            {
                return [.. _implements];
            }
        }
    }

    public void Add(string pluginInterface)
    {
        lock (_lock)
        {
            if (_implements.Contains(pluginInterface))
            {
                throw new InvalidOperationException(
                    $"{pluginInterface} is already mapped on this route builder; a plugin serves one driver per interface");
            }

            _implements.Add(pluginInterface);
        }
    }

    private Task ActivateAsync(HttpContext context) =>
        PluginResponseWriter.WriteAsync(context, new ActivateResponse(Implements), PluginJsonContext.Default.ActivateResponse);
}
