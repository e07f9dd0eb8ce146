using Cnm.Core.Errors;
using Cnm.Linux.Firewall.Firewalld;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Linux.Firewall;

/// <summary>
/// Builds the bridge firewall cnmd uses: <see cref="NftablesBridgeFirewall"/> in the host namespace, wrapped by
/// <see cref="FirewalldBridgeFirewall"/> when a D-Bus system bus can be reached (firewalld itself may come later; it is
/// watched). Without a bus, the nftables firewall alone. The result is also <see cref="IAsyncDisposable"/>.
/// </summary>
public static partial class BridgeFirewallFactory
{
    /// <summary>The system bus when neither an address nor <c>DBUS_SYSTEM_BUS_ADDRESS</c> is given.</summary>
    public const string DefaultSystemBus = "unix:path=/run/dbus/system_bus_socket";

    /// <summary>
    /// Creates the firewall. Unavailable (naming the package) when libnftables is missing; a bus that cannot be reached
    /// only means no firewalld (logged).
    /// </summary>
    /// <param name="hostNamespacePath">The host network namespace (cnmd's <c>--host-netns</c>); null for cnmd's own.</param>
    /// <param name="busAddress">The D-Bus system bus; null for <c>DBUS_SYSTEM_BUS_ADDRESS</c>, else <see cref="DefaultSystemBus"/>.</param>
    /// <param name="loggerFactory">Logging; null for none.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="options">nftables options (library name, table); null for the defaults.</param>
    public static async Task<IBridgeFirewall> CreateAsync(string? hostNamespacePath, string? busAddress, ILoggerFactory? loggerFactory, CancellationToken cancellationToken, NftablesFirewallOptions? options = null)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger(typeof(BridgeFirewallFactory).FullName!);
        var nft = NftablesBridgeFirewall.Create(hostNamespacePath, options);
        var address = busAddress ?? Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") ?? DefaultSystemBus;
        if (address.StartsWith("unix:path=", StringComparison.Ordinal) && !address.Contains(',', StringComparison.Ordinal)
            && !File.Exists(address["unix:path=".Length..]))
        {
            LogNoBus(logger, address, null);
            return nft;
        }

        try
        {
            return await FirewalldBridgeFirewall.StartAsync(nft, address, loggerFactory.CreateLogger<FirewalldBridgeFirewall>(), cancellationToken).ConfigureAwait(false);
        }
        catch (CnmException ex) when (ex is not FirewalldException)
        {
            LogNoBus(logger, address, ex); // no bus, so no firewalld either
            return nft;
        }
        catch
        {
            nft.Dispose();
            throw;
        }
    }

    [LoggerMessage(EventId = 4620, Level = LogLevel.Information, Message = "no D-Bus system bus at {Bus}: nftables only, no firewalld")]
    private static partial void LogNoBus(ILogger logger, string bus, Exception? exception);
}
