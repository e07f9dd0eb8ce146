using Cnm.Core.Control;
using Cnm.Core.Model;
using Cnm.Daemon.DockerApi;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// The native sandbox routes under <c>/cnm/v1</c>: what Docker's network API lacks, so that a client can
/// make something to connect. The rest of the native API (endpoints, plugins, IPAM) comes later.
/// </summary>
internal static class SandboxEndpoints
{
    public static void MapNativeSandboxes(this IEndpointRouteBuilder app, Controller controller)
    {
        var group = app.MapGroup("/cnm/v1/sandboxes");

        group.MapPost("", async (HttpContext context) =>
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
            }, context.RequestAborted).ConfigureAwait(false);
            return DockerJson.Result(ToResource(sandbox), DockerJson.Context.SandboxResource, StatusCodes.Status201Created);
        });

        group.MapGet("", () => DockerJson.Result(controller.Sandboxes.Select(ToResource).ToList(), DockerJson.Context.ListSandboxResource));

        group.MapGet("/{id}", (string id) =>
            DockerJson.Result(ToResource(SandboxLookup.Find(controller, id)), DockerJson.Context.SandboxResource));

        group.MapDelete("/{id}", async (string id, HttpContext context) =>
        {
            var sandbox = SandboxLookup.Find(controller, id);
            await controller.DeleteSandboxAsync(sandbox.Id, context.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        });
    }

    private static SandboxResource ToResource(Sandbox sandbox) =>
        new(sandbox.Id, sandbox.Name, sandbox.Options.ContainerId, sandbox.Key, [.. sandbox.EndpointIds]);
}
