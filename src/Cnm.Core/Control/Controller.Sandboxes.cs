using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>All sandboxes, by name.</summary>
    public IReadOnlyList<Sandbox> Sandboxes => Listed(_sandboxes, s => s.State, s => s.Name);

    /// <summary>Finds a sandbox by id, name or unique id prefix.</summary>
    public Sandbox GetSandbox(string idOrName) => Find(_sandboxes, idOrName, "sandbox", s => s.Name);

    /// <summary>Creates a sandbox for a container.</summary>
    public async Task<Sandbox> CreateSandboxAsync(SandboxCreateOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ContainerId))
        {
            throw CnmException.InvalidParameter("sandbox container id must not be empty");
        }

        var name = string.IsNullOrWhiteSpace(options.Name) ? options.ContainerId : options.Name;
        var id = Ids.New();
        lock (_gate)
        {
            if (_sandboxes.Values.Any(s => s.Name == name || s.Options.ContainerId == options.ContainerId))
            {
                throw CnmException.Conflict($"a sandbox named {name} or for container {options.ContainerId} already exists");
            }

            _sandboxes.Add(id, new Sandbox { Id = id, Name = name, Key = "", Options = options, State = ObjectState.Creating });
        }

        try
        {
            var key = await DriverCalls.RunAsync($"sandbox {name}: could not create it",
                () => _sandboxProvider.CreateAsync(id, options, cancellationToken)).ConfigureAwait(false);
            var sandbox = new Sandbox { Id = id, Name = name, Key = key, Options = options, State = ObjectState.Ready };
            try
            {
                await _journal.CommitAsync($"sandbox {name} was not created", OperationJournal.PutSandbox(sandbox)).ConfigureAwait(false);
            }
            catch
            {
                await BestEffortAsync($"delete sandbox {name} after the store failed", () => _sandboxProvider.DeleteAsync(key, CancellationToken.None)).ConfigureAwait(false);
                throw;
            }

            lock (_gate)
            {
                _sandboxes[id] = sandbox;
            }

            return sandbox;
        }
        catch
        {
            lock (_gate)
            {
                _sandboxes.Remove(id);
            }

            throw;
        }
    }
}
