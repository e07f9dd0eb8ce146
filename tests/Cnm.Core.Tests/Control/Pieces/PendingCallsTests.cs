using Cnm.Core.Control;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Microsoft.Extensions.Time.Testing;

namespace Cnm.Core.Tests.Control.Pieces;

/// <summary><see cref="PendingCalls"/> alone: delivery, back-off, staleness and the request-side short cut, with a fake sender and store.</summary>
public sealed class PendingCallsTests
{
    [Fact]
    public async Task Add_DriverAnswers_DeliveredAndRecordRemoved()
    {
        var store = new InMemoryKeyValueStore();
        var sender = new FakeCallSender();
        await using var pending = PieceKit.Pending(store, sender);
        var call = await PieceKit.StoreAsync(store, pending, PieceKit.DeleteNetwork());

        pending.Add([call]);

        Assert.True(await PieceKit.EventuallyAsync(async () => pending.Count == 0 && (await PieceKit.KeysAsync(store, StateKeys.Pending)).Count == 0));
        Assert.Equal(PendingMethods.DeleteNetwork, Assert.Single(sender.Sent).Method);
    }

    [Fact]
    public async Task Add_CallNoLongerWanted_DroppedWithoutSending()
    {
        var store = new InMemoryKeyValueStore();
        var sender = new FakeCallSender();
        await using var pending = PieceKit.Pending(store, sender, isWanted: _ => false);
        var call = await PieceKit.StoreAsync(store, pending, PieceKit.DeleteNetwork());

        pending.Add([call]);

        Assert.True(await PieceKit.EventuallyAsync(async () => pending.Count == 0 && (await PieceKit.KeysAsync(store, StateKeys.Pending)).Count == 0));
        Assert.Empty(sender.Sent);
    }

    [Fact]
    public async Task Delivery_DriverUnreachable_BacksOffThenGoesAtOnceWhenRegistered()
    {
        var store = new InMemoryKeyValueStore();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var sender = new FakeCallSender { Answer = _ => FakeCallSender.Unreachable() };
        await using var pending = PieceKit.Pending(store, sender, time: time);
        var call = await PieceKit.StoreAsync(store, pending, PieceKit.DeleteNetwork());

        pending.Add([call]);

        // One attempt, then the back-off: the fake clock does not move, so no second attempt comes by itself.
        Assert.True(await PieceKit.EventuallyAsync(() => pending.Snapshot() is [{ Attempts: 1 } owed] && owed.NextAttempt == time.GetUtcNow() + TimeSpan.FromSeconds(1)));
        await Task.Delay(300);
        Assert.Single(sender.Sent);

        sender.Answer = _ => Task.FromResult<(CallOutcome, Exception?)>((CallOutcome.Done, null));
        pending.OnRegistered("p");

        Assert.True(await PieceKit.EventuallyAsync(() => pending.Count == 0));
        Assert.Equal(2, sender.Sent.Count);
        Assert.Empty(await PieceKit.KeysAsync(store, StateKeys.Pending));
    }

    [Fact]
    public async Task Delivery_OneDriverHangs_OtherDriverStillDelivered()
    {
        var store = new InMemoryKeyValueStore();
        var hung = new TaskCompletionSource<(CallOutcome, Exception?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new FakeCallSender { Answer = c => c.Driver == "slow" ? hung.Task : Task.FromResult<(CallOutcome, Exception?)>((CallOutcome.Done, null)) };
        await using var pending = PieceKit.Pending(store, sender);
        try
        {
            var slow = await PieceKit.StoreAsync(store, pending, PieceKit.DeleteNetwork("slow"));
            var fast = await PieceKit.StoreAsync(store, pending, PieceKit.DeleteNetwork("fast"));

            pending.Add([slow, fast]);

            Assert.True(await PieceKit.EventuallyAsync(() => pending.Snapshot() is [{ Driver: "slow" }]));
            Assert.Contains(sender.Sent, c => c.Driver == "fast");
        }
        finally
        {
            hung.SetResult((CallOutcome.Done, null));
        }
    }

    [Fact]
    public async Task SendAsync_DriverFailedAMomentAgo_NextCallNotSentButUnreachable()
    {
        var sender = new FakeCallSender { Answer = _ => FakeCallSender.Unreachable() };
        await using var pending = PieceKit.Pending(new InMemoryKeyValueStore(), sender);

        var (first, _) = await pending.SendAsync(PieceKit.DeleteEndpoint(), default);
        var (second, error) = await pending.SendAsync(PieceKit.DeleteNetwork(), default);

        Assert.Equal(CallOutcome.Unreachable, first);
        Assert.Equal(CallOutcome.Unreachable, second);
        Assert.Single(sender.Sent); // the second call was not sent: it goes behind the first
        Assert.Contains("could not be reached a moment ago", error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlushForAsync_CallOwedForTheEndpoint_DeliveredBeforeItReturns()
    {
        var store = new InMemoryKeyValueStore();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var sender = new FakeCallSender { Answer = _ => FakeCallSender.Unreachable() };
        await using var pending = PieceKit.Pending(store, sender, time: time);
        var call = await PieceKit.StoreAsync(store, pending, PieceKit.DeleteEndpoint());
        pending.Add([call]);
        Assert.True(await PieceKit.EventuallyAsync(() => pending.Snapshot() is [{ Attempts: 1 }]));
        sender.Answer = _ => Task.FromResult<(CallOutcome, Exception?)>((CallOutcome.Done, null));

        await pending.FlushForAsync(PieceKit.NetworkId, PieceKit.EndpointId, default);

        Assert.Equal(0, pending.Count);
        Assert.Equal(2, sender.Sent.Count);
    }
}
