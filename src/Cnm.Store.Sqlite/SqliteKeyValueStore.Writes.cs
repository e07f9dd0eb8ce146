using Cnm.Core.Store;
using Microsoft.Data.Sqlite;

namespace Cnm.Store.Sqlite;

/// <summary>
/// Writes: each is one SQLite transaction (BEGIN IMMEDIATE … COMMIT) that bumps the revision once, acknowledged after
/// the WAL's fsync when it must survive a power loss (SqliteKeyValueStore.Sync.cs).
/// </summary>
public sealed partial class SqliteKeyValueStore
{
    /// <inheritdoc />
    public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken) =>
        ApplyAsync(TransactionPlanner.OneOperation(key, value, condition, isDelete: false), deleteMustExist: true, cancellationToken);

    /// <inheritdoc />
    public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) =>
        ApplyAsync(TransactionPlanner.OneOperation(key, default, condition, isDelete: true), deleteMustExist: true, cancellationToken);

    /// <inheritdoc />
    public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return ApplyAsync(transaction, deleteMustExist: false, cancellationToken);
    }

    private async Task<long> ApplyAsync(StoreTransaction transaction, bool deleteMustExist, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await Cnm.Core.BlockingWork.LeaveEventThreadAsync(); // the write and its fsync block

        long newRevision;
        long written;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_syncFailure is { } failure)
            {
                throw new Cnm.Core.Errors.CnmException(failure.Category, failure.Message, failure);
            }

            newRevision = _revision + 1;
            List<WatchEvent> changes;
            try
            {
                changes = WriteTransaction(transaction, newRevision, deleteMustExist);
            }
            catch (SqliteException ex)
            {
                throw SqliteStoreErrors.Map(ex, Path, "write");
            }

            if (changes.Count == 0)
            {
                return _revision;
            }

            Interlocked.Exchange(ref _revision, newRevision);
            written = Interlocked.Increment(ref _written);

            // After the commit and still under the write gate, so watchers get revisions in order.
            _hub.Publish(changes);
        }
        finally
        {
            _writeGate.Release();
        }

        if (_syncWal && transaction.SyncOnCommit)
        {
            try
            {
                await SyncAsync(written).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                _syncFailure = SqliteStoreErrors.Unsynced(ex, Path);
                throw _syncFailure;
            }
        }

        return newRevision;
    }

    // Returns the committed changes; on any failure the SQLite transaction rolls back and nothing is written.
    private List<WatchEvent> WriteTransaction(StoreTransaction transaction, long newRevision, bool deleteMustExist)
    {
        var statements = _statements;

        // A rollback that failed after an earlier failure leaves the transaction open: end it before beginning anew.
        statements.RollbackIfOpen();
        statements.Begin();
        try
        {
            var changes = TransactionPlanner.Plan(transaction, statements.Lookup, newRevision, deleteMustExist);
            if (changes.Count == 0)
            {
                statements.RollbackIfOpen();
                return changes;
            }

            foreach (var change in changes)
            {
                if (change.Type == WatchEventType.Delete)
                {
                    statements.Delete(change.Key);
                }
                else
                {
                    statements.Put(change.Entry);
                }
            }

            statements.SetRevision(newRevision);
            statements.Commit();
            return changes;
        }
        catch
        {
            try
            {
                statements.RollbackIfOpen();
            }
            catch (SqliteException)
            {
                // The first failure is the one to report; the next write rolls back before it begins.
            }

            throw;
        }
    }
}
