using Cnm.Core.Control;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Core.Tests.Control.Pieces;

/// <summary>Builds the controller's pieces over an in-memory store and a fake sender, without a controller.</summary>
internal static class PieceKit
{
    public static readonly string NetworkId = new('a', 64);

    public static readonly string EndpointId = new('b', 64);

    public static PendingCalls Pending(IKeyValueStore store, IPendingCallSender sender, Func<PendingCall, bool>? isWanted = null,
        TimeProvider? time = null) =>
        new(sender, store, isWanted ?? (_ => true), time ?? TimeProvider.System, TimeSpan.FromMinutes(5), NullLogger.Instance);

    public static PendingCall DeleteNetwork(string driver = "p") =>
        new() { Method = PendingMethods.DeleteNetwork, Driver = driver, NetworkId = NetworkId };

    public static PendingCall DeleteEndpoint(string driver = "p") =>
        new() { Method = PendingMethods.DeleteEndpoint, Driver = driver, NetworkId = NetworkId, EndpointId = EndpointId };

    /// <summary>Stores <paramref name="call"/> as a pending-call record, as an operation's commit does; returns it numbered.</summary>
    public static async Task<PendingCall> StoreAsync(IKeyValueStore store, PendingCalls pending, PendingCall call)
    {
        var numbered = call with { Sequence = pending.NextSequence() };
        await store.CommitAsync(new StoreTransaction().Put(StateKeys.PendingCall(numbered.Sequence), StateMapping.Serialize(numbered)), default);
        return numbered;
    }

    public static async Task<IReadOnlyList<string>> KeysAsync(IKeyValueStore store, string prefix) =>
        [.. (await store.ListAsync(prefix, default)).Entries.Select(e => e.Key)];

    /// <summary>Polls <paramref name="condition"/> until it holds or 15 s have passed.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return await condition();
    }

    public static Task<bool> EventuallyAsync(Func<bool> condition) => EventuallyAsync(() => Task.FromResult(condition()));
}
