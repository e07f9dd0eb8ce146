using System.ComponentModel;
using System.Globalization;
using Cnm.Core.Control;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Daemon.ApiDocs;
using Cnm.Daemon.NativeApi;

namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>
/// <c>GET /containers/{id}/json</c> for plugins that ask the engine about the container they serve (a Cnm sandbox),
/// and a clear 404 for every other container route: cnmd is not a container engine.
/// </summary>
internal static class ContainerEndpoints
{
    public static void MapDockerContainers(this IEndpointRouteBuilder app, Controller controller)
    {
        app.MapGet("/containers/{id}/json", async ([Description("Container id, name (with or without the leading /), unique container id prefix, or sandbox id")] string id,
                CancellationToken cancellationToken) =>
            DockerJson.Result(await ToResourceAsync(controller, Find(controller, id), cancellationToken).ConfigureAwait(false), DockerJson.Context.ContainerResource))
            .WithName("ContainerInspect").WithSummary("Inspect a container: the Cnm sandbox with that container id or name, with its networks")
            .WithTags(RouteDescriptions.DockerTag)
            .Produces<ContainerResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

        // Every other /containers route: the container's own "No such container", or that cnmd runs none.
        app.Map("/containers/{**rest}", async Task (HttpContext context, string? rest) =>
        {
            // A name with its leading "/" (Docker's own form) makes an empty segment: /containers//web/json.
            var parts = (rest ?? "").TrimStart('/').Split('/');
            if (HttpMethods.IsGet(context.Request.Method) && parts is [{ Length: > 0 } name, "json"])
            {
                var resource = await ToResourceAsync(controller, Find(controller, name), context.RequestAborted).ConfigureAwait(false);
                await DockerJson.Result(resource, DockerJson.Context.ContainerResource).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            var first = parts[0];
            var message = first.Length > 0 && !IsCollectionRoute(context.Request.Method, parts) && !TryFind(controller, first)
                ? $"No such container: {first}"
                : $"cnmd is not a container engine: {context.Request.Method} /containers/{rest} is not served; "
                  + "only GET /containers/{id}/json answers, for Cnm sandboxes";
            await ApiMiddleware.WriteErrorAsync(context, StatusCodes.Status404NotFound, message).ConfigureAwait(false);
        }).ExcludeFromDescription();
    }

    /// <summary>
    /// Docker's routes on the container collection (<c>GET /containers/json</c>, <c>POST /containers/create</c>,
    /// <c>POST /containers/prune</c>): their segment is no container name, so they never answer "No such container".
    /// </summary>
    private static bool IsCollectionRoute(string method, string[] parts) => parts switch
    {
        ["json", ..] => true,
        ["create" or "prune"] => HttpMethods.IsPost(method),
        _ => false,
    };

    private static Sandbox Find(Controller controller, string id) => SandboxLookup.Find(controller, id.TrimStart('/'));

    private static bool TryFind(Controller controller, string id)
    {
        try
        {
            Find(controller, id);
            return true;
        }
        catch (CnmException)
        {
            return false;
        }
    }

    private static async Task<ContainerResource> ToResourceAsync(Controller controller, Sandbox sandbox, CancellationToken cancellationToken)
    {
        var networks = new Dictionary<string, ContainerNetwork>(StringComparer.Ordinal);
        foreach (var endpoint in controller.Endpoints.Where(e => e.SandboxId == sandbox.Id))
        {
            Network network;
            try
            {
                network = controller.GetNetwork(endpoint.NetworkId);
            }
            catch (CnmException)
            {
                continue; // deleted meanwhile
            }

            networks[network.Name] = ToNetwork(endpoint);
        }

        return new ContainerResource(
            sandbox.Options.ContainerId,
            "/" + sandbox.Name,
            new ContainerState(),
            new ContainerConfig(sandbox.Options.Hostname ?? "", new(sandbox.Options.Labels, StringComparer.Ordinal)),
            new ContainerNetworkSettings(sandbox.Id, sandbox.Key, await ContainerPorts.OfAsync(controller, sandbox, cancellationToken).ConfigureAwait(false), networks));
    }

    private static ContainerNetwork ToNetwork(Core.Model.Endpoint endpoint)
    {
        var options = endpoint.Options;
        return new ContainerNetwork
        {
            IPAMConfig = options.IPv4Address is null && options.IPv6Address is null ? null : new ContainerIpamConfig(options.IPv4Address, options.IPv6Address),
            Aliases = options.Aliases.Count == 0 ? null : [.. options.Aliases],
            MacAddress = endpoint.MacAddress is { } mac
                ? string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture))) : "",
            DriverOpts = options.DriverOptions.Count == 0 ? null : new(options.DriverOptions, StringComparer.Ordinal),
            NetworkID = endpoint.NetworkId,
            EndpointID = endpoint.Id,
            Gateway = endpoint.Join?.Gateway?.ToString() ?? "",
            IPAddress = endpoint.Address?.Address.ToString() ?? "",
            IPPrefixLen = endpoint.Address?.PrefixLength ?? 0,
            IPv6Gateway = endpoint.Join?.GatewayIPv6?.ToString() ?? "",
            GlobalIPv6Address = endpoint.AddressIPv6?.Address.ToString() ?? "",
            GlobalIPv6PrefixLen = endpoint.AddressIPv6?.PrefixLength ?? 0,
        };
    }
}
