namespace Cnm.Protocol.Network;

/// <summary>
/// Values of <c>DiscoveryType</c> in a <see cref="DiscoveryNotification"/>. Only
/// <see cref="NodeDiscovery"/> is ever sent to a remote driver; the reference drops the other types.
/// </summary>
public static class DiscoveryTypes
{
    /// <summary>A node joined or left; the data is a <see cref="NodeDiscoveryData"/>.</summary>
    public const int NodeDiscovery = 1;

    /// <summary>A datastore configuration (never sent to remote drivers).</summary>
    public const int DatastoreConfig = 2;

    /// <summary>Encryption keys (never sent to remote drivers).</summary>
    public const int EncryptionKeysConfig = 3;

    /// <summary>An encryption key update (never sent to remote drivers).</summary>
    public const int EncryptionKeysUpdate = 4;
}
