using Tmds.DBus.Protocol;

namespace Cnm.Linux.Firewall.Firewalld;

/// <summary>
/// The few firewalld D-Bus calls Cnm needs, over Tmds.DBus.Protocol. Every message is built in a synchronous helper
/// (the writer is a ref struct and must not cross an await). Errors are mapped by <see cref="FirewalldErrors"/>.
/// </summary>
internal sealed class FirewalldClient : IDisposable
{
    public const string BusName = "org.fedoraproject.FirewallD1";
    public const string Path = "/org/fedoraproject/FirewallD1";
    public const string ConfigPath = "/org/fedoraproject/FirewallD1/config";
    private const string Interface = "org.fedoraproject.FirewallD1";
    private static readonly string[] AnyZone = ["ANY"];

    private FirewalldClient(DBusConnection connection)
    {
        Connection = connection;
    }

    public DBusConnection Connection { get; }

    /// <summary>Connects to the bus at <paramref name="address"/>; Unavailable when it cannot.</summary>
    public static async Task<FirewalldClient> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        var connection = new DBusConnection(address);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            return new FirewalldClient(connection);
        }
        catch (Exception ex) when (ex is DBusConnectionException or DBusConnectFailedException or System.Net.Sockets.SocketException or IOException)
        {
            connection.Dispose();
            throw new Core.Errors.CnmException(Protocol.ErrorCategory.Unavailable, $"connect to the D-Bus system bus at {address}: {ex.Message}", ex);
        }
    }

    /// <summary>Whether firewalld owns its name on the bus now.</summary>
    public Task<bool> IsRunningAsync() =>
        CallAsync(Build("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s", BusName), static (m, _) => m.GetBodyReader().ReadBool(), "NameHasOwner");

    /// <summary>The permanent zones (config.getZoneNames).</summary>
    public Task<string[]> GetPermanentZonesAsync() =>
        CallAsync(Build(BusName, ConfigPath, Interface + ".config", "getZoneNames", null), static (m, _) => m.GetBodyReader().ReadArrayOfString(), "config.getZoneNames");

    /// <summary>The permanent policies (config.getPolicyNames).</summary>
    public Task<string[]> GetPermanentPoliciesAsync() =>
        CallAsync(Build(BusName, ConfigPath, Interface + ".config", "getPolicyNames", null), static (m, _) => m.GetBodyReader().ReadArrayOfString(), "config.getPolicyNames");

    /// <summary>Adds a permanent zone with target ACCEPT (config.addZone2).</summary>
    public Task AddPermanentZoneAsync(string zone) =>
        CallAsync(BuildSettings(ConfigPath, Interface + ".config", "addZone2", zone, [new("target", VariantValue.String("ACCEPT"))]), static (_, _) => true, $"config.addZone2 {zone}");

    /// <summary>Adds a permanent policy from any zone to <paramref name="egressZone"/> with target ACCEPT (config.addPolicy).</summary>
    public Task AddPermanentPolicyAsync(string policy, string egressZone) =>
        CallAsync(BuildSettings(ConfigPath, Interface + ".config", "addPolicy", policy,
        [
            new("ingress_zones", VariantValue.Array(AnyZone)),
            new("egress_zones", VariantValue.Array(new[] { egressZone })),
            new("target", VariantValue.String("ACCEPT")),
        ]), static (_, _) => true, $"config.addPolicy {policy}");

    /// <summary>Reloads firewalld (its runtime state is rebuilt from the permanent one; it emits Reloaded).</summary>
    public Task ReloadAsync() => CallAsync(Build(BusName, Path, Interface, "reload", null), static (_, _) => true, "reload");

    /// <summary>The zone of an interface, or "" when it has none.</summary>
    public Task<string> GetZoneOfInterfaceAsync(string iface) =>
        CallAsync(Build(BusName, Path, Interface + ".zone", "getZoneOfInterface", "s", iface), static (m, _) => m.GetBodyReader().ReadString(), $"zone.getZoneOfInterface {iface}");

    /// <summary>Binds an interface to a zone at runtime (zone.addInterface); ALREADY_ENABLED counts as success.</summary>
    public Task AddInterfaceAsync(string zone, string iface) =>
        CallAsync(Build(BusName, Path, Interface + ".zone", "addInterface", "ss", zone, iface), static (_, _) => true, $"zone.addInterface {zone} {iface}");

    /// <summary>Moves an interface bound to another zone into <paramref name="zone"/> (zone.changeZoneOfInterface).</summary>
    public Task ChangeZoneOfInterfaceAsync(string zone, string iface) =>
        CallAsync(Build(BusName, Path, Interface + ".zone", "changeZoneOfInterface", "ss", zone, iface), static (_, _) => true, $"zone.changeZoneOfInterface {zone} {iface}");

    /// <summary>Unbinds an interface (zone.removeInterface); NOT_ENABLED counts as success.</summary>
    public Task RemoveInterfaceAsync(string zone, string iface) =>
        CallAsync(Build(BusName, Path, Interface + ".zone", "removeInterface", "ss", zone, iface), static (_, _) => true, $"zone.removeInterface {zone} {iface}");

    public void Dispose() => Connection.Dispose();

    private async Task<T> CallAsync<T>(MessageBuffer message, MessageValueReader<T> reader, string what)
    {
        try
        {
            return await Connection.CallMethodAsync(message, reader).ConfigureAwait(false);
        }
        catch (DBusErrorReplyException ex)
        {
            if (FirewalldErrors.IsSuccess(ex))
            {
                return default!;
            }

            throw FirewalldErrors.Map(ex, what);
        }
        catch (Exception ex) when (ex is DBusConnectionException or DBusConnectionClosedException or DBusMessageException or DBusReadException or DBusUnexpectedValueException)
        {
            throw new Core.Errors.CnmException(Protocol.ErrorCategory.Unavailable, $"firewalld {what}: {ex.Message}", ex);
        }
    }

    private MessageBuffer Build(string destination, string path, string iface, string member, string? signature, params string[] args)
    {
        using var writer = Connection.GetMessageWriter();
        writer.WriteMethodCallHeader(destination, path, iface, member, signature);
        foreach (var arg in args)
        {
            writer.WriteString(arg);
        }

        return writer.CreateMessage();
    }

    private MessageBuffer BuildSettings(string path, string iface, string member, string name, KeyValuePair<string, VariantValue>[] settings)
    {
        using var writer = Connection.GetMessageWriter();
        writer.WriteMethodCallHeader(BusName, path, iface, member, "sa{sv}");
        writer.WriteString(name);
        writer.WriteDictionary(settings);
        return writer.CreateMessage();
    }
}
