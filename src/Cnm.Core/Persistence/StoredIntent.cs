namespace Cnm.Core.Persistence;

/// <summary>
/// An operation in flight, stored under <c>cnm/v1/intents/&lt;object id&gt;</c> before its first driver
/// call and removed by the commit that ends it. After a crash, start-up undoes a create or join with
/// <see cref="Calls"/>, and finishes a delete or leave with them (spec/store.md, "Intents and pending calls").
/// </summary>
internal sealed record StoredIntent
{
    /// <summary>One of <see cref="IntentOperations"/>.</summary>
    public required string Operation { get; init; }

    /// <summary>The network or endpoint the operation works on (the key's id).</summary>
    public required string ObjectId { get; init; }

    /// <summary>Its name, for messages.</summary>
    public required string Name { get; init; }

    /// <summary>The calls that undo (create, join) or finish (delete, leave) the operation, in the order they are made.</summary>
    public List<PendingCall> Calls { get; init; } = [];

    public DateTimeOffset Created { get; init; }
}

/// <summary>The operations that write intents, and what start-up does with each after a crash.</summary>
internal static class IntentOperations
{
    public const string NetworkCreate = "network-create";
    public const string EndpointCreate = "endpoint-create";
    public const string Join = "join";
    public const string Leave = "leave";
    public const string EndpointDelete = "endpoint-delete";
    public const string NetworkDelete = "network-delete";

    /// <summary>A connect: endpoint create and join as one operation (its record is written only with the join).</summary>
    public const string Connect = "connect";

    /// <summary>Creates, joins and connects are undone; deletes and leaves are finished.</summary>
    public static bool IsUndone(string operation) => operation is NetworkCreate or EndpointCreate or Join or Connect;

    public static bool IsKnown(string operation) =>
        operation is NetworkCreate or EndpointCreate or Join or Leave or EndpointDelete or NetworkDelete or Connect;
}
