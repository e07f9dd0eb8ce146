using Cnm.Core.Control;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Sandboxes;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Core.Tests.Control.Pieces;

/// <summary><see cref="StateRestorer"/> alone: records adopted, interrupted operations settled into pending calls, no driver called.</summary>
public sealed class StateRestorerTests : IAsyncDisposable
{
    private readonly InMemoryKeyValueStore _store = new();
    private readonly FakeCallSender _sender = new() { Answer = _ => FakeCallSender.Unreachable() };
    private readonly PendingCalls _pending;
    private readonly OperationJournal _journal;

    public StateRestorerTests()
    {
        _pending = PieceKit.Pending(_store, _sender);
        _journal = new OperationJournal(_store, _pending, new DriverRegistry(), TimeProvider.System, null, NullLogger.Instance);
    }

    public ValueTask DisposeAsync() => _pending.DisposeAsync();

    [Fact]
    public async Task RestoreAsync_StoredNetwork_AdoptedAndNothingWritten()
    {
        await PutAsync(StateKeys.Network(PieceKit.NetworkId), StateMapping.Serialize(Network()));
        List<Network>? adopted = null;

        var owed = await Restorer().RestoreAsync((n, _, _) => adopted = n, default);

        Assert.Equal("n1", Assert.Single(adopted!).Name);
        Assert.Empty(owed);
        Assert.Empty(_sender.Sent);
        Assert.Equal([StateKeys.Network(PieceKit.NetworkId)], await PieceKit.KeysAsync(_store, StateKeys.Root));
    }

    [Fact]
    public async Task RestoreAsync_InterruptedNetworkCreate_UndoStoredAsPendingCall()
    {
        await PutIntentAsync(IntentOperations.NetworkCreate, PieceKit.DeleteNetwork());

        var owed = await Restorer().RestoreAsync((_, _, _) => { }, default);

        var call = Assert.Single(owed);
        Assert.Equal(PendingMethods.DeleteNetwork, call.Method);
        Assert.Contains("interrupted", call.Reason, StringComparison.Ordinal);
        Assert.Equal([StateKeys.PendingCall(call.Sequence)], await PieceKit.KeysAsync(_store, StateKeys.Root));
        Assert.Empty(_sender.Sent); // settling calls no driver
    }

    [Fact]
    public async Task RestoreAsync_InterruptedNetworkDelete_FinishedAndRecordRemoved()
    {
        await PutAsync(StateKeys.Network(PieceKit.NetworkId), StateMapping.Serialize(Network()));
        await PutIntentAsync(IntentOperations.NetworkDelete, PieceKit.DeleteNetwork());
        List<Network>? adopted = null;

        var owed = await Restorer().RestoreAsync((n, _, _) => adopted = n, default);

        Assert.Empty(adopted!);
        Assert.Equal(PendingMethods.DeleteNetwork, Assert.Single(owed).Method);
        Assert.DoesNotContain(StateKeys.Network(PieceKit.NetworkId), await PieceKit.KeysAsync(_store, StateKeys.Root));
    }

    [Fact]
    public async Task RestoreAsync_CallNoLongerWanted_DroppedAndIntentRemoved()
    {
        await PutIntentAsync(IntentOperations.NetworkCreate, PieceKit.DeleteNetwork());

        var owed = await Restorer(isWanted: _ => false).RestoreAsync((_, _, _) => { }, default);

        Assert.Empty(owed);
        Assert.Empty(await PieceKit.KeysAsync(_store, StateKeys.Root));
    }

    private StateRestorer Restorer(Func<PendingCall, bool>? isWanted = null) =>
        new(_store, new InMemorySandboxProvider(), new DriverRegistry(), _journal, isWanted ?? (_ => true), globalScope: false, NullLogger.Instance);

    private static Network Network() => new()
    {
        Id = PieceKit.NetworkId,
        Name = "n1",
        Driver = "p",
        IpamDriver = "default",
        Options = new NetworkCreateOptions { Name = "n1", Driver = "p" },
        State = ObjectState.Ready,
    };

    private async Task PutIntentAsync(string operation, PendingCall call)
    {
        var intent = new Intent(operation, PieceKit.NetworkId, "n1", durable: true, DateTimeOffset.UnixEpoch);
        intent.AddCall(call);
        await PutAsync(intent.Key, intent.Serialize());
    }

    private async Task PutAsync(string key, byte[] value) => await _store.CommitAsync(new StoreTransaction().Put(key, value), default);
}
