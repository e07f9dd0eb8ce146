using Cnm.Core.Control;
using Cnm.Core.Errors;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Core.Tests.Control.Pieces;

/// <summary><see cref="OperationJournal"/> alone: intents, commits, owed undo calls and the delete-plan runner, over an in-memory store.</summary>
public sealed class OperationJournalTests : IAsyncDisposable
{
    private readonly InMemoryKeyValueStore _store = new();
    private readonly FakeCallSender _sender = new();
    private readonly List<string> _steps = [];
    private readonly PendingCalls _pending;
    private readonly OperationJournal _journal;

    public OperationJournalTests()
    {
        _pending = PieceKit.Pending(_store, _sender);
        _journal = new OperationJournal(_store, _pending, new DriverRegistry(), TimeProvider.System, step =>
        {
            lock (_steps)
            {
                _steps.Add(step);
            }

            return Task.CompletedTask;
        }, NullLogger.Instance);
    }

    public ValueTask DisposeAsync() => _pending.DisposeAsync();

    [Fact]
    public async Task WriteIntentAsync_Durable_StoredUntilDropped()
    {
        var intent = _journal.NewIntent(IntentOperations.NetworkCreate, PieceKit.NetworkId, "n1", durable: true);
        intent.AddCall(PieceKit.DeleteNetwork());

        await _journal.WriteIntentAsync(intent, "network n1 was not created");
        var stored = await _store.GetAsync(StateKeys.Intent(PieceKit.NetworkId), default);
        await _journal.DropIntentAsync(intent);

        Assert.NotNull(stored);
        Assert.Equal(PendingMethods.DeleteNetwork, Assert.Single(StateMapping.ToIntent(stored.Key, stored.Value).Calls).Method);
        Assert.Empty(await PieceKit.KeysAsync(_store, StateKeys.Intents));
    }

    [Fact]
    public async Task EnsureIntentAsync_NotDurable_WritesNothing()
    {
        var intent = _journal.NewIntent(IntentOperations.NetworkCreate, PieceKit.NetworkId, "n1", durable: false);

        await _journal.EnsureIntentAsync(intent, "network n1 was not created");

        Assert.False(intent.Written);
        Assert.Empty(await PieceKit.KeysAsync(_store, StateKeys.Root));
        Assert.Empty(_steps);
    }

    [Fact]
    public async Task CallAsync_TimedOut_UndoOwedOnceTheOperationFails()
    {
        var intent = _journal.NewIntent(IntentOperations.NetworkCreate, PieceKit.NetworkId, "n1", durable: true);
        intent.AddCall(PieceKit.DeleteNetwork());
        await _journal.EnsureIntentAsync(intent, "network n1 was not created");

        var error = await Assert.ThrowsAsync<CnmException>(() => _journal.CallAsync("network n1: driver p failed to create it",
            () => Task.FromException(new CnmException(ErrorCategory.Timeout, "plugin \"p\" did not answer") { Plugin = "p", Method = "CreateNetwork" }),
            intent, intent.Calls[0]));
        await _journal.DropIntentAsync(intent);

        Assert.Equal(ErrorCategory.Timeout, error.Category);
        Assert.Equal(("p", "CreateNetwork"), (error.Plugin, error.Method));
        Assert.Empty(await PieceKit.KeysAsync(_store, StateKeys.Intents));
        // The DeleteNetwork is owed and, after the back-off, delivered.
        Assert.True(await PieceKit.EventuallyAsync(() => _sender.Sent.Any(c => c.Method == PendingMethods.DeleteNetwork)));
        Assert.True(await PieceKit.EventuallyAsync(async () => (await PieceKit.KeysAsync(_store, StateKeys.Pending)).Count == 0));
    }

    [Fact]
    public async Task RunDeleteAsync_DriverDeletes_RecordAndIntentGoneSubjectForgotten()
    {
        var subject = await StoredNetworkAsync();

        await _journal.RunDeleteAsync(Plan(subject, force: false));

        Assert.Equal("forget", Assert.Single(subject.Calls));
        Assert.Empty(await PieceKit.KeysAsync(_store, StateKeys.Root));
        Assert.Equal(["network-delete:intent", "network-delete:DeleteNetwork", "network-delete:commit"], _steps);
    }

    [Fact]
    public async Task RunDeleteAsync_DriverRefuses_KeptReadyAndStoreUnchanged()
    {
        var subject = await StoredNetworkAsync();
        _sender.Answer = _ => FakeCallSender.Refused();

        var error = await Assert.ThrowsAsync<CnmException>(() => _journal.RunDeleteAsync(Plan(subject, force: false)));

        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Equal("keep", Assert.Single(subject.Calls));
        Assert.Equal([StateKeys.Network(PieceKit.NetworkId)], await PieceKit.KeysAsync(_store, StateKeys.Root));
    }

    [Fact]
    public async Task RunDeleteAsync_ForcedWhileDriverUnreachable_CallOwedAndSubjectForgotten()
    {
        var subject = await StoredNetworkAsync();
        _sender.Answer = _ => FakeCallSender.Unreachable();

        await _journal.RunDeleteAsync(Plan(subject, force: true));

        Assert.Equal("forget", Assert.Single(subject.Calls));
        var owed = Assert.Single(_pending.Snapshot());
        Assert.Equal(PendingMethods.DeleteNetwork, owed.Method);
        var keys = await PieceKit.KeysAsync(_store, StateKeys.Root);
        Assert.StartsWith(StateKeys.Pending, Assert.Single(keys), StringComparison.Ordinal);
    }

    private async Task<RecordingSubject> StoredNetworkAsync()
    {
        await _store.CommitAsync(new StoreTransaction().Put(StateKeys.Network(PieceKit.NetworkId), "{}"u8.ToArray()), default);
        return new RecordingSubject();
    }

    private static DeletePlan Plan(RecordingSubject subject, bool force) =>
        new(IntentOperations.NetworkDelete, "network n1", PieceKit.DeleteNetwork(), [], TracksIpam: false, force,
            StateKeys.Network(PieceKit.NetworkId), subject);

    private sealed class RecordingSubject : IDeleteSubject
    {
        public List<string> Calls { get; } = [];

        public void KeepReady() => Calls.Add("keep");

        public void Forget() => Calls.Add("forget");
    }
}
