using Cnm.Core.Control;
using Cnm.Core.Errors;
using Cnm.Core.Model;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// What the Docker API calls a "container" is a Cnm sandbox, found by sandbox id, name, container id, or a
/// unique prefix of either id.
/// </summary>
internal static class SandboxLookup
{
    public static Sandbox Find(Controller controller, string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw CnmException.InvalidParameter("no container given: a sandbox name or id is required");
        }

        try
        {
            return controller.GetSandbox(reference);
        }
        catch (CnmException ex) when (ex.Category == Protocol.ErrorCategory.NotFound)
        {
            var sandboxes = controller.Sandboxes;
            var exact = sandboxes.FirstOrDefault(s => s.Options.ContainerId == reference);
            if (exact is not null)
            {
                return exact;
            }

            var prefixed = sandboxes.Where(s => s.Options.ContainerId.StartsWith(reference, StringComparison.Ordinal)).Take(2).ToList();
            return prefixed.Count switch
            {
                1 => prefixed[0],
                0 => throw CnmException.NotFound($"No such container: {reference} (no Cnm sandbox has that name or id)"),
                _ => throw CnmException.InvalidParameter($"container id prefix {reference} is ambiguous"),
            };
        }
    }
}
