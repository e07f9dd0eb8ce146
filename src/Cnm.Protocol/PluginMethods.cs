namespace Cnm.Protocol;

/// <summary>
/// Service-method names of the protocol. A call is <c>POST /{method}</c>, for example
/// <c>POST /NetworkDriver.CreateNetwork</c>.
/// </summary>
public static class PluginMethods
{
    /// <summary>The activation handshake; returns the list of implemented interfaces.</summary>
    public const string Activate = "Plugin.Activate";

    /// <summary>Methods of the <c>NetworkDriver</c> interface.</summary>
    public static class Network
    {
        /// <summary>Scope and connectivity scope of the driver.</summary>
        public const string GetCapabilities = "NetworkDriver.GetCapabilities";
        /// <summary>Create a network.</summary>
        public const string CreateNetwork = "NetworkDriver.CreateNetwork";
        /// <summary>Allocate network resources (swarm manager).</summary>
        public const string AllocateNetwork = "NetworkDriver.AllocateNetwork";
        /// <summary>Delete a network.</summary>
        public const string DeleteNetwork = "NetworkDriver.DeleteNetwork";
        /// <summary>Free network resources (swarm manager).</summary>
        public const string FreeNetwork = "NetworkDriver.FreeNetwork";
        /// <summary>Create an endpoint.</summary>
        public const string CreateEndpoint = "NetworkDriver.CreateEndpoint";
        /// <summary>Operational data of an endpoint.</summary>
        public const string EndpointOperInfo = "NetworkDriver.EndpointOperInfo";
        /// <summary>Delete an endpoint.</summary>
        public const string DeleteEndpoint = "NetworkDriver.DeleteEndpoint";
        /// <summary>Join an endpoint to a sandbox.</summary>
        public const string Join = "NetworkDriver.Join";
        /// <summary>Detach an endpoint from its sandbox.</summary>
        public const string Leave = "NetworkDriver.Leave";
        /// <summary>A discovery notification (node joined).</summary>
        public const string DiscoverNew = "NetworkDriver.DiscoverNew";
        /// <summary>A discovery notification (node left).</summary>
        public const string DiscoverDelete = "NetworkDriver.DiscoverDelete";
        /// <summary>Set up external connectivity (port mappings) for an endpoint.</summary>
        public const string ProgramExternalConnectivity = "NetworkDriver.ProgramExternalConnectivity";
        /// <summary>Remove external connectivity for an endpoint.</summary>
        public const string RevokeExternalConnectivity = "NetworkDriver.RevokeExternalConnectivity";

        /// <summary>All 14 methods, in protocol order.</summary>
        public static readonly IReadOnlyList<string> All =
        [
            GetCapabilities, CreateNetwork, AllocateNetwork, DeleteNetwork, FreeNetwork, CreateEndpoint,
            EndpointOperInfo, DeleteEndpoint, Join, Leave, DiscoverNew, DiscoverDelete,
            ProgramExternalConnectivity, RevokeExternalConnectivity,
        ];
    }

    /// <summary>Methods of the <c>IpamDriver</c> interface.</summary>
    public static class Ipam
    {
        /// <summary>IPAM capabilities.</summary>
        public const string GetCapabilities = "IpamDriver.GetCapabilities";
        /// <summary>The local and global default address spaces.</summary>
        public const string GetDefaultAddressSpaces = "IpamDriver.GetDefaultAddressSpaces";
        /// <summary>Reserve an address pool.</summary>
        public const string RequestPool = "IpamDriver.RequestPool";
        /// <summary>Release an address pool.</summary>
        public const string ReleasePool = "IpamDriver.ReleasePool";
        /// <summary>Reserve an address in a pool.</summary>
        public const string RequestAddress = "IpamDriver.RequestAddress";
        /// <summary>Release an address.</summary>
        public const string ReleaseAddress = "IpamDriver.ReleaseAddress";

        /// <summary>All 6 methods, in protocol order.</summary>
        public static readonly IReadOnlyList<string> All =
        [
            GetCapabilities, GetDefaultAddressSpaces, RequestPool, ReleasePool, RequestAddress, ReleaseAddress,
        ];
    }
}
