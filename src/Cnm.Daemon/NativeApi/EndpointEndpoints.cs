using Cnm.Core.Control;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Daemon.ApiDocs;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// The native endpoint routes under <c>/cnm/v1/endpoints</c> (spec/daemon-api.md, "Endpoints (native)"): the
/// endpoint lifecycle Docker's network API hides behind connect and disconnect, one step at a time.
/// </summary>
internal static class EndpointEndpoints
{
    /// <summary>How long an inspect waits for the driver's EndpointOperInfo before answering without it.</summary>
    private static readonly TimeSpan DriverInfoTimeout = TimeSpan.FromSeconds(5);

    public static void MapNativeEndpoints(this IEndpointRouteBuilder app, Controller controller)
    {
        var group = app.MapGroup("/cnm/v1/endpoints");

        group.MapPost("", async Task<IResult> (HttpContext context) =>
        {
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.EndpointCreateRequest).ConfigureAwait(false);
            var (network, options) = ToCreateOptions(controller, request);
            var endpoint = await controller.OnNetworkAsync(network.Id,
                () => controller.CreateEndpointAsync(network.Id, options, context.RequestAborted)).ConfigureAwait(false);
            return DockerJson.Result(EndpointMapper.ToResource(endpoint, controller), DockerJson.Context.NativeEndpointResource,
                StatusCodes.Status201Created);
        })
            .WithName("CreateEndpoint").WithSummary("Create an endpoint in a network (the driver's CreateEndpoint runs)").WithTags(RouteDescriptions.NativeTag)
            .AcceptsJson<EndpointCreateRequest>()
            .Produces<NativeEndpointResource>(StatusCodes.Status201Created, DockerJson.ContentType)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);

        group.MapGet("", (HttpContext context) =>
        {
            var query = Query.Only(context.Request, "network", "sandbox");
            var network = query.GetValueOrDefault("network") is { } n ? controller.GetNetwork(n) : null;
            var sandbox = query.GetValueOrDefault("sandbox") is { } s ? FindSandbox(controller, s) : null;
            var list = controller.Endpoints
                .Where(e => (network is null || e.NetworkId == network.Id) && (sandbox is null || e.SandboxId == sandbox.Id))
                .Select(e => EndpointMapper.ToResource(e, controller))
                .ToList();
            return DockerJson.Result(list, DockerJson.Context.ListNativeEndpointResource);
        })
            .WithName("ListEndpoints").WithSummary("List endpoints, optionally of one network or one sandbox").WithTags(RouteDescriptions.NativeTag)
            .WithQueryParameter("network", "Only endpoints of this network (id, name or unique id prefix).")
            .WithQueryParameter("sandbox", "Only endpoints joined to this sandbox (id, name or container id).")
            .Produces<List<NativeEndpointResource>>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

        group.MapGet("/{id}", async (string id, HttpContext context) =>
        {
            Query.Only(context.Request);
            var endpoint = EndpointLookup.Find(controller, id);
            var resource = EndpointMapper.ToResource(endpoint, controller);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(DriverInfoTimeout);
            try
            {
                var info = await controller.GetEndpointInfoAsync(endpoint.Id, timeout.Token).ConfigureAwait(false);
                resource = resource with { DriverInfo = new(info, StringComparer.Ordinal) };
            }
            catch (CnmException ex)
            {
                resource = resource with { DriverInfoError = ex.Message };
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                resource = resource with
                {
                    DriverInfoError = $"driver {resource.Driver} did not answer EndpointOperInfo within {DriverInfoTimeout.TotalSeconds:0} s",
                };
            }

            return DockerJson.Result(resource, DockerJson.Context.NativeEndpointResource);
        })
            .WithName("InspectEndpoint").WithSummary("Inspect an endpoint by NETWORK/NAME, id, a name unique across networks, or a unique id prefix; adds the driver's EndpointOperInfo").WithTags(RouteDescriptions.NativeTag)
            .Produces<NativeEndpointResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", async (string id, HttpContext context) =>
        {
            var force = Query.Flag(Query.Only(context.Request, "force"), "force");
            var endpoint = EndpointLookup.Find(controller, id);
            await controller.OnNetworkAsync(endpoint.NetworkId,
                () => controller.DeleteEndpointAsync(endpoint.Id, force, context.RequestAborted)).ConfigureAwait(false);
            return Results.NoContent();
        })
            .WithName("DeleteEndpoint").WithSummary("Delete an endpoint; a joined one only with force=true").WithTags(RouteDescriptions.NativeTag)
            .WithQueryParameter("force", "true to delete a joined endpoint (it leaves its sandbox first).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);

        group.MapPost("/{id}/join", async (string id, HttpContext context) =>
        {
            Query.Only(context.Request);
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.EndpointJoinRequest).ConfigureAwait(false);
            var endpoint = EndpointLookup.Find(controller, id);
            var sandbox = FindSandbox(controller, request.Sandbox);
            var joined = await controller.OnNetworkAsync(endpoint.NetworkId,
                () => controller.JoinAsync(endpoint.Id, sandbox.Id, context.RequestAborted)).ConfigureAwait(false);
            return DockerJson.Result(EndpointMapper.ToResource(joined, controller), DockerJson.Context.NativeEndpointResource);
        })
            .WithName("JoinEndpoint").WithSummary("Join an endpoint to a sandbox (the driver's Join runs)").WithTags(RouteDescriptions.NativeTag)
            .AcceptsJson<EndpointJoinRequest>()
            .Produces<NativeEndpointResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);

        group.MapPost("/{id}/leave", async (string id, HttpContext context) =>
        {
            Query.Only(context.Request);
            var endpoint = EndpointLookup.Find(controller, id);
            var left = await controller.OnNetworkAsync(endpoint.NetworkId,
                () => controller.LeaveAsync(endpoint.Id, context.RequestAborted)).ConfigureAwait(false);
            return DockerJson.Result(EndpointMapper.ToResource(left, controller), DockerJson.Context.NativeEndpointResource);
        })
            .WithName("LeaveEndpoint").WithSummary("Make a joined endpoint leave its sandbox (the driver's Leave runs)").WithTags(RouteDescriptions.NativeTag)
            .Produces<NativeEndpointResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);
    }

    private static (Network Network, EndpointCreateOptions Options) ToCreateOptions(Controller controller, EndpointCreateRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Network))
        {
            throw CnmException.InvalidParameter("no network given: Network (a network id or name) is required");
        }

        var name = request.Name ?? "";
        if (!Names.IsValid(name))
        {
            throw CnmException.InvalidParameter(
                $"invalid endpoint name \"{name}\": it must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 255 characters");
        }

        if (request.Aliases?.FirstOrDefault(a => string.IsNullOrWhiteSpace(a)) is not null)
        {
            throw CnmException.InvalidParameter($"endpoint {name}: an alias must not be empty");
        }

        var network = controller.GetNetwork(request.Network);

        return (network, new EndpointCreateOptions
        {
            Name = name,
            IPv4Address = NullIfEmpty(request.IPv4Address),
            IPv6Address = NullIfEmpty(request.IPv6Address),
            MacAddress = NullIfEmpty(request.MacAddress),
            DriverOptions = request.Options ?? [],
            Aliases = request.Aliases ?? [],
        });
    }

    private static Sandbox FindSandbox(Controller controller, string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw CnmException.InvalidParameter("no sandbox given: Sandbox (a sandbox id, name or container id) is required");
        }

        try
        {
            return SandboxLookup.Find(controller, reference);
        }
        catch (CnmException ex) when (ex.Category == Protocol.ErrorCategory.NotFound)
        {
            throw CnmException.NotFound($"sandbox {reference} not found (no sandbox has that id, name or container id)");
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
