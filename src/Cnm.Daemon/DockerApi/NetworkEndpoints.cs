using System.ComponentModel;
using Cnm.Core.Control;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Daemon.ApiDocs;
using Cnm.Daemon.NativeApi;

namespace Cnm.Daemon.DockerApi;

/// <summary>Docker's network routes, the ones <c>docker network …</c> uses (spec/daemon-api.md).</summary>
internal static class NetworkEndpoints
{
    private const string NetworkRef = "Network id, name, or unique id prefix";

    private static readonly HashSet<string> ListFilters = ["name", "id", "driver", "label", "scope", "type", "dangling"];
    private static readonly HashSet<string> PruneFilters = ["label", "label!", "until"];

    private const string FiltersHelp = """JSON map of filter key to values, {"key":{"value":true}} or {"key":["value"]}; values of a key are ORed, keys ANDed; an unknown key is a 400.""";

    public static void MapDockerNetworks(this IEndpointRouteBuilder app, Controller controller)
    {
        app.MapPost("/networks/create", async Task<IResult> (HttpContext context) =>
        {
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.NetworkCreateRequest).ConfigureAwait(false);
            var options = NetworkMapper.ToCreateOptions(request);
            var network = await controller.CreateNetworkAsync(options, context.RequestAborted).ConfigureAwait(false);
            return DockerJson.Result(new NetworkCreateResponse(network.Id, ""), DockerJson.Context.NetworkCreateResponse,
                statusCode: StatusCodes.Status201Created);
        })
            .WithName("NetworkCreate").WithSummary("Create a network").WithTags(RouteDescriptions.DockerTag)
            .AcceptsJson<NetworkCreateRequest>()
            .Produces<NetworkCreateResponse>(StatusCodes.Status201Created, DockerJson.ContentType)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);

        app.MapGet("/networks", (HttpContext context) =>
        {
            var filters = NetworkFilters.Parse(context.Request.Query["filters"], ListFilters);
            CheckListFilters(filters);
            var endpoints = controller.Endpoints;
            var list = controller.Networks.Where(n => Matches(n, filters, endpoints)).Select(n => NetworkMapper.ToResource(n, controller)).ToList();
            return DockerJson.Result(list, DockerJson.Context.ListNetworkResource);
        })
            .WithName("NetworkList").WithSummary("List networks, optionally filtered").WithTags(RouteDescriptions.DockerTag)
            .WithQueryParameter("filters", FiltersHelp + " Keys: name (substring), id (prefix), driver, scope, label (k or k=v), type (custom|builtin), dangling (true|false).")
            .Produces<List<NetworkResource>>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest);

        app.MapGet("/networks/{id}", ([Description(NetworkRef)] string id, HttpContext context) =>
        {
            // verbose adds swarm services to swarm networks; Cnm has none, so it is read (and checked) but adds
            // nothing, exactly what dockerd answers for a local network.
            _ = GoBool.Parse("verbose", context.Request.Query["verbose"].FirstOrDefault());
            var scope = context.Request.Query["scope"].FirstOrDefault();
            if (!string.IsNullOrEmpty(scope) && scope is not ("local" or "global" or "swarm"))
            {
                throw CnmException.InvalidParameter($"invalid value for scope: \"{scope}\": expected local, global or swarm");
            }

            var network = controller.GetNetwork(id);
            var resource = NetworkMapper.ToResource(network, controller);
            if (!string.IsNullOrEmpty(scope) && resource.Scope != scope)
            {
                throw CnmException.NotFound($"network {id} not found");
            }

            return DockerJson.Result(resource, DockerJson.Context.NetworkResource);
        })
            .WithName("NetworkInspect").WithSummary("Inspect a network by id, name or unique id prefix").WithTags(RouteDescriptions.DockerTag)
            .WithQueryParameter("verbose", "true or false (Go's ParseBool; anything else is a 400). Adds swarm service details in Docker; Cnm networks have none, so the answer is the same.")
            .WithQueryParameter("scope", "local, global or swarm (anything else is a 400): 404 unless the network has that scope.")
            .Produces<NetworkResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);

        app.MapDelete("/networks/{id}", async ([Description(NetworkRef)] string id, HttpContext context) =>
        {
            var force = Query.Flag(Query.Only(context.Request, "force"), "force");
            var network = controller.GetNetwork(id);
            ThrowIfInUse(controller, network);
            await controller.OnNetworkAsync(network.Id,
                () => controller.DeleteNetworkAsync(network.Id, force, context.RequestAborted)).ConfigureAwait(false);
            return Results.NoContent();
        })
            .WithName("NetworkDelete").WithSummary("Remove a network that has no endpoints (403 while it has)").WithTags(RouteDescriptions.DockerTag)
            .WithQueryParameter("force", "Cnm extension: true removes the network even when its driver refuses or cannot be reached; calls owed to a plugin that is down are delivered once it is back.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesErrors([StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);

        app.MapPost("/networks/{id}/connect", async ([Description(NetworkRef)] string id, HttpContext context) =>
        {
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.ConnectRequest).ConfigureAwait(false);
            var network = controller.GetNetwork(id);
            var sandbox = SandboxLookup.Find(controller, request.Container);
            var settings = request.EndpointConfig ?? new EndpointSettings();
            var endpoint = await controller.OnNetworkAsync(network.Id, () => controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions
            {
                Name = sandbox.Name,
                IPv4Address = NullIfEmpty(settings.IPAMConfig?.IPv4Address),
                IPv6Address = NullIfEmpty(settings.IPAMConfig?.IPv6Address),
                MacAddress = NullIfEmpty(settings.MacAddress),
                DriverOptions = settings.DriverOpts ?? [],
                Aliases = settings.Aliases ?? [],
            }, context.RequestAborted)).ConfigureAwait(false);
            try
            {
                await controller.OnNetworkAsync(network.Id, () => controller.JoinAsync(endpoint.Id, sandbox.Id, context.RequestAborted)).ConfigureAwait(false);
            }
            catch
            {
                // Keep the join's error; the endpoint made for it must not outlive it.
                try
                {
                    await controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None).ConfigureAwait(false);
                }
                catch (CnmException)
                {
                }

                throw;
            }

            return Results.Ok();
        })
            .WithName("NetworkConnect").WithSummary("Connect a container (a Cnm sandbox) to a network: create an endpoint and join it").WithTags(RouteDescriptions.DockerTag)
            .AcceptsJson<ConnectRequest>()
            .Produces(StatusCodes.Status200OK)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);

        app.MapPost("/networks/{id}/disconnect", async ([Description(NetworkRef)] string id, HttpContext context) =>
        {
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.DisconnectRequest).ConfigureAwait(false);
            var network = controller.GetNetwork(id);
            var sandbox = SandboxLookup.Find(controller, request.Container);
            var endpoint = controller.Endpoints.FirstOrDefault(e => e.NetworkId == network.Id && e.SandboxId == sandbox.Id)
                ?? throw CnmException.NotFound($"container {request.Container} is not connected to network {network.Name}");
            var force = request.Force == true;
            try
            {
                await controller.OnNetworkAsync(network.Id, () => controller.LeaveAsync(endpoint.Id, context.RequestAborted)).ConfigureAwait(false);
            }
            catch (CnmException) when (force)
            {
                // A forced disconnect removes the endpoint even when the driver refuses to leave.
            }

            await controller.OnNetworkAsync(network.Id, () => controller.DeleteEndpointAsync(endpoint.Id, force, context.RequestAborted)).ConfigureAwait(false);
            return Results.Ok();
        })
            .WithName("NetworkDisconnect").WithSummary("Disconnect a container from a network: leave and delete its endpoint").WithTags(RouteDescriptions.DockerTag)
            .AcceptsJson<DisconnectRequest>()
            .Produces(StatusCodes.Status200OK)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);

        app.MapPost("/networks/prune", async Task<IResult> (HttpContext context) =>
        {
            var filters = NetworkFilters.Parse(context.Request.Query["filters"], PruneFilters);
            var until = filters.Get("until") switch
            {
                [] => DateTimeOffset.MaxValue,
                [var one] => UntilFilter.Parse(one, TimeProvider.System.GetUtcNow()),
                _ => throw CnmException.InvalidParameter("more than one until filter specified"),
            };
            var used = controller.Endpoints.Select(e => e.NetworkId).ToHashSet(StringComparer.Ordinal);
            var deleted = new List<string>();
            foreach (var network in controller.Networks.Where(n => !used.Contains(n.Id) && n.Created <= until
                && filters.Get("label").All(l => NetworkFilters.LabelMatches(n.Options.Labels, l))
                && !(filters.Get("label!").Count > 0 && n.Options.Labels.Count > 0
                    && filters.Get("label!").All(l => NetworkFilters.LabelMatches(n.Options.Labels, l)))))
            {
                try
                {
                    await controller.DeleteNetworkAsync(network.Id, force: false, context.RequestAborted).ConfigureAwait(false);
                    deleted.Add(network.Name);
                }
                catch (CnmException)
                {
                    // Docker's prune skips what it cannot delete (in use meanwhile, or refused by its driver).
                }
            }

            return DockerJson.Result(new PruneResponse(deleted), DockerJson.Context.PruneResponse);
        })
            .WithName("NetworkPrune").WithSummary("Delete every network without endpoints; those whose delete fails are skipped").WithTags(RouteDescriptions.DockerTag)
            .WithQueryParameter("filters", FiltersHelp + " Keys: label (k or k=v), label! (k or k=v: networks that have all of them are kept), until (a Unix timestamp, an RFC 3339 date or a Go duration such as 10m: networks created at or before it).")
            .Produces<PruneResponse>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest);
    }

    /// <summary>Docker answers 403 when a network still has endpoints; the core's Conflict is kept for other cases.</summary>
    private static void ThrowIfInUse(Controller controller, Network network)
    {
        var endpoints = controller.Endpoints.Where(e => e.NetworkId == network.Id).Select(e => e.Name).ToList();
        if (endpoints.Count > 0)
        {
            throw CnmException.Forbidden(
                $"error while removing network: network {network.Name} id {network.Id} has active endpoints ({string.Join(", ", endpoints)})");
        }
    }

    /// <summary>Bad values are refused even when there is no network to match them against.</summary>
    private static void CheckListFilters(NetworkFilters filters)
    {
        foreach (var v in filters.Get("type").Where(v => v is not ("custom" or "builtin")))
        {
            throw CnmException.InvalidParameter($"invalid filter: 'type'='{v}'");
        }

        foreach (var v in filters.Get("dangling").Where(v => v is not ("1" or "t" or "T" or "TRUE" or "true" or "True" or "0" or "f" or "F" or "FALSE" or "false" or "False")))
        {
            throw CnmException.InvalidParameter($"invalid filter: 'dangling'='{v}'");
        }

        foreach (var v in filters.Get("scope").Where(v => v is not ("local" or "global" or "swarm")))
        {
            throw CnmException.InvalidParameter($"invalid filter: 'scope'='{v}': expected local, global or swarm");
        }
    }

    private static bool Matches(Network network, NetworkFilters filters, IReadOnlyList<Core.Model.Endpoint> endpoints)
    {
        var scope = network.Scope == Core.Drivers.DriverScope.Global ? "global" : "local";
        return filters.Matches("name", v => network.Name.Contains(v, StringComparison.Ordinal))
            && filters.Matches("id", v => network.Id.StartsWith(v, StringComparison.Ordinal))
            && filters.Matches("driver", v => network.Driver == v)
            && filters.Matches("scope", v => scope == v)
            && filters.Matches("type", v => v switch
            {
                "custom" => true, // Cnm makes no predefined networks
                "builtin" => false,
                _ => throw CnmException.InvalidParameter($"invalid filter: 'type'='{v}'"),
            })
            && filters.Matches("dangling", v => v switch
            {
                "1" or "t" or "T" or "TRUE" or "true" or "True" => endpoints.All(e => e.NetworkId != network.Id),
                "0" or "f" or "F" or "FALSE" or "false" or "False" => endpoints.Any(e => e.NetworkId == network.Id),
                _ => throw CnmException.InvalidParameter($"invalid filter: 'dangling'='{v}'"),
            })
            && filters.Get("label").All(l => NetworkFilters.LabelMatches(network.Options.Labels, l));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
