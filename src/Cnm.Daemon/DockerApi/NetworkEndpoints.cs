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

    public static void MapDockerNetworks(this IEndpointRouteBuilder app, Controller controller, string defaultDriver = NetworkMapper.DefaultDriver)
    {
        var pruneLogger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Cnm.Daemon.Prune");
        app.MapPost("/networks/create", async Task<IResult> (HttpContext context) =>
        {
            RequestBody.RequireJsonContentType(context.Request);
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.NetworkCreateRequest).ConfigureAwait(false);
            var options = NetworkMapper.ToCreateOptions(request, defaultDriver);
            Network network;
            try
            {
                network = await controller.CreateNetworkAsync(options, context.RequestAborted).ConfigureAwait(false);
            }
            catch (CnmException ex) when (ex.Category == Protocol.ErrorCategory.NotFound && IsMissingLinuxDriver(controller, ex.Plugin))
            {
                throw ex.WithMessage($"network driver \"{ex.Plugin}\" is one of cnmd's built-in Linux drivers (bridge, macvlan), which "
                    + "need --sandbox linux; this cnmd runs with --sandbox memory, whose built-in drivers are null and host (the docker CLI "
                    + $"sends -d bridge unless told otherwise: use -d null, -d host or a plugin's name). No plugin \"{ex.Plugin}\" was found either: "
                    + ex.Message);
            }

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
            RequestBody.RequireJsonContentType(context.Request);
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.ConnectRequest).ConfigureAwait(false);
            var network = controller.GetNetwork(id);
            var sandbox = SandboxLookup.Find(controller, request.Container);
            var settings = request.EndpointConfig ?? new EndpointSettings();
            await controller.OnNetworkAsync(network.Id, () => controller.ConnectAsync(network.Id, sandbox.Id, new EndpointCreateOptions
            {
                Name = sandbox.Name,
                IPv4Address = NullIfEmpty(settings.IPAMConfig?.IPv4Address),
                IPv6Address = NullIfEmpty(settings.IPAMConfig?.IPv6Address),
                MacAddress = NullIfEmpty(settings.MacAddress),
                DriverOptions = settings.DriverOpts ?? [],
                Aliases = settings.Aliases ?? [],
            }, context.RequestAborted)).ConfigureAwait(false);
            return Results.Ok();
        })
            .WithName("NetworkConnect").WithSummary("Connect a container (a Cnm sandbox) to a network: create an endpoint and join it").WithTags(RouteDescriptions.DockerTag)
            .AcceptsJson<ConnectRequest>()
            .Produces(StatusCodes.Status200OK)
            .ProducesErrors([StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, .. RouteDescriptions.PluginErrors]);

        app.MapPost("/networks/{id}/disconnect", async ([Description(NetworkRef)] string id, HttpContext context) =>
        {
            RequestBody.RequireJsonContentType(context.Request);
            var request = await RequestBody.ReadAsync(context.Request, DockerJson.Context.DisconnectRequest).ConfigureAwait(false);
            var network = controller.GetNetwork(id);
            var force = request.Force == true;
            // Docker's disconnect -f deletes the endpoint by name even when the container is gone.
            var sandbox = force ? FindOrNull(controller, request.Container) : SandboxLookup.Find(controller, request.Container);
            ThrowIfNotConnected(controller, network, sandbox, request.Container!, force);
            var container = sandbox?.Id ?? request.Container!;
            await controller.OnNetworkAsync(network.Id, () => controller.DisconnectAsync(network.Id, container, force, context.RequestAborted)).ConfigureAwait(false);
            return Results.Ok();
        })
            .WithName("NetworkDisconnect").WithSummary("Disconnect a container from a network: leave and delete its endpoint; with Force, the network's endpoint of that name goes whatever its state, also when the container is gone").WithTags(RouteDescriptions.DockerTag)
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
            var warnings = new List<string>();
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
                catch (CnmException ex)
                {
                    // Docker's prune skips what it cannot delete (in use meanwhile, or refused by its driver); Cnm says so.
                    PruneLog.NotDeleted(pruneLogger, network.Name, ex.Message);
                    warnings.Add($"network {network.Name} was not deleted: {ex.Message}");
                }
            }

            return DockerJson.Result(new PruneResponse(deleted, warnings.Count == 0 ? null : warnings), DockerJson.Context.PruneResponse);
        })
            .WithName("NetworkPrune").WithSummary("Delete every network without endpoints; those whose delete fails are skipped, logged and named in Warnings").WithTags(RouteDescriptions.DockerTag)
            .WithQueryParameter("filters", FiltersHelp + " Keys: label (k or k=v), label! (k or k=v: networks that have all of them are kept), until (a Unix timestamp, an RFC 3339 date or a Go duration such as 10m: networks created at or before it).")
            .Produces<PruneResponse>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest);
    }

    /// <summary>
    /// Whether a driver that could not be found is one of the Linux drivers, absent because cnmd runs with in-memory
    /// sandboxes (the controller then has no <c>bridge</c>): the first <c>docker network create N</c> of such a cnmd.
    /// </summary>
    private static bool IsMissingLinuxDriver(Controller controller, string? plugin) =>
        plugin is Core.Drivers.BuiltInDrivers.Bridge or Core.Drivers.BuiltInDrivers.Macvlan
        && !controller.NetworkDrivers.Contains(Core.Drivers.BuiltInDrivers.Bridge);

    /// <summary>The sandbox that matches, else null: a forced disconnect then looks the endpoint up by the reference as a name.</summary>
    private static Sandbox? FindOrNull(Controller controller, string? reference)
    {
        try
        {
            return SandboxLookup.Find(controller, reference);
        }
        catch (CnmException ex) when (ex.Category == Protocol.ErrorCategory.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Docker's "not connected" refusal names the container by its id, as dockerd names <c>container.ID</c>: here the
    /// sandbox's container id (the key of inspect's <c>Containers</c>), never Cnm's sandbox id, which docker users do
    /// not see. The controller checks again; this only gives the message the user can act on.
    /// </summary>
    private static void ThrowIfNotConnected(Controller controller, Network network, Sandbox? sandbox, string reference, bool force)
    {
        var connected = controller.Endpoints.Any(e => e.NetworkId == network.Id
            && ((sandbox is not null && e.SandboxId == sandbox.Id) || (force && (e.Name == reference || e.Name == sandbox?.Name))));
        if (!connected)
        {
            throw CnmException.NotFound($"container {sandbox?.Options.ContainerId ?? reference} is not connected to network {network.Name}");
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
        return filters.Matches("name", v => FilterMatch.Matches(v, network.Name))
            && filters.Matches("id", v => FilterMatch.Matches(v, network.Id))
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
