using System.ComponentModel;
using Cnm.Core.Control;
using Cnm.Core.Model;
using Cnm.Daemon.ApiDocs;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// The native sandbox routes under <c>/cnm/v1</c>: what Docker's network API lacks, so that a client can
/// make something to connect. The rest of the native API (endpoints, plugins, IPAM) comes later.
/// </summary>
internal static class SandboxEndpoints
{
    private const string SandboxRef = "Sandbox id, name, container id, or a unique prefix of either id";

    public static void MapNativeSandboxes(this IEndpointRouteBuilder app, Controller controller)
    {
        var group = app.MapGroup("/cnm/v1/sandboxes");

        group.MapPost("", async Task<IResult> (HttpContext context) =>
        {
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.SandboxCreateRequest).ConfigureAwait(false);
            if (request.Name is { Length: > 0 } name && !Names.IsValid(name))
            {
                throw Core.Errors.CnmException.InvalidParameter($"invalid sandbox name \"{name}\": it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*");
            }

            var sandbox = await controller.CreateSandboxAsync(new SandboxCreateOptions
            {
                ContainerId = request.ContainerId ?? "",
                Name = request.Name,
                Hostname = request.Hostname,
                // Always lists, empty when none are given, so drivers get both port keys as dockerd sends them.
                ExposedPorts = PortSpecs.Exposed((IEnumerable<string>?)request.ExposedPorts?.Keys ?? [], (IEnumerable<string>?)request.PortBindings?.Keys ?? []),
                PortBindings = PortSpecs.Map((request.PortBindings ?? []).Select(b => KeyValuePair.Create(b.Key,
                    (IReadOnlyList<(string?, string?)>)[.. (b.Value ?? []).Select(h => (h.HostIp, h.HostPort))]))),
                HostNetwork = request.HostNetwork ?? false,
            }, context.RequestAborted).ConfigureAwait(false);
            return DockerJson.Result(ToResource(sandbox), DockerJson.Context.SandboxResource, StatusCodes.Status201Created);
        })
            .WithName("SandboxCreate").WithSummary("Create a sandbox (what the Docker API calls a container) to connect to networks, with its exposed and published ports").WithTags(RouteDescriptions.NativeTag)
            .AcceptsJson<SandboxCreateRequest>()
            .Produces<SandboxResource>(StatusCodes.Status201Created, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict);

        group.MapGet("", () => DockerJson.Result(controller.Sandboxes.Select(ToResource).ToList(), DockerJson.Context.ListSandboxResource))
            .WithName("SandboxList").WithSummary("List sandboxes").WithTags(RouteDescriptions.NativeTag)
            .Produces<List<SandboxResource>>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors();

        group.MapGet("/{id}", ([Description(SandboxRef)] string id) =>
            DockerJson.Result(ToResource(SandboxLookup.Find(controller, id)), DockerJson.Context.SandboxResource))
            .WithName("SandboxInspect").WithSummary("Inspect a sandbox by id, name, container id, or a unique prefix of either id").WithTags(RouteDescriptions.NativeTag)
            .Produces<SandboxResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

        group.MapDelete("/{id}", async ([Description(SandboxRef)] string id, HttpContext context) =>
        {
            var sandbox = SandboxLookup.Find(controller, id);
            await controller.DeleteSandboxAsync(sandbox.Id, context.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        })
            .WithName("SandboxDelete").WithSummary("Delete a sandbox and every endpoint joined to it, last joined first (each leaves, then is deleted)").WithTags(RouteDescriptions.NativeTag)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);
    }

    private static SandboxResource ToResource(Sandbox sandbox) =>
        new(sandbox.Id, sandbox.Name, sandbox.Options.ContainerId, sandbox.Key, [.. sandbox.EndpointIds],
            sandbox.Options.ExposedPorts is { } exposed ? [.. exposed] : null, sandbox.Options.PortBindings is { } map ? [.. map] : null,
            sandbox.Options.HostNetwork ? true : null);
}
