using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Core.Control;

/// <summary>
/// The registered drivers of one kind (network or IPAM) by name, for <see cref="DriverRegistry"/>. Entries may change at
/// runtime; readers copy the entry under the lock and call the driver outside it. A built-in entry is never replaced.
/// </summary>
internal sealed class DriverTable<T>(string kind, Func<IDriverResolver, string, CancellationToken, Task<bool>> resolve)
    where T : class, IDriverEntry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, T> _entries = new(StringComparer.Ordinal);

    public IReadOnlyList<T> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Values];
            }
        }
    }

    public T? Find(string name)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(name);
        }
    }

    /// <summary>The entry of that name, asking each resolver (a plugin lookup) when there is none yet.</summary>
    public async Task<T> GetAsync(string name, IReadOnlyList<IDriverResolver> resolvers, CancellationToken cancellationToken)
    {
        if (Find(name) is { } entry)
        {
            return entry;
        }

        foreach (var resolver in resolvers)
        {
            if (await resolve(resolver, name, cancellationToken).ConfigureAwait(false) && Find(name) is { } resolved)
            {
                return resolved;
            }
        }

        throw new CnmException(ErrorCategory.NotFound, $"{kind} driver \"{name}\" not found: it is not built in and no plugin of that name is registered")
        {
            Plugin = name,
        };
    }

    /// <summary>Asks each resolver in turn, registered entry or not, until one answers true; a resolver's error propagates.</summary>
    public async Task ResolveAgainAsync(string name, IReadOnlyList<IDriverResolver> resolvers, CancellationToken cancellationToken)
    {
        foreach (var resolver in resolvers)
        {
            if (await resolve(resolver, name, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    public void Register(T entry)
    {
        if (string.IsNullOrWhiteSpace(entry.Name))
        {
            throw CnmException.InvalidParameter($"{kind} driver name must not be empty");
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(entry.Name, out var existing) && existing.IsBuiltIn)
            {
                throw CnmException.Forbidden(
                    $"{kind} driver \"{entry.Name}\" is built in; {(entry.IsBuiltIn ? "it is already registered" : "a plugin may not replace it")}");
            }

            _entries[entry.Name] = entry;
        }
    }
}
