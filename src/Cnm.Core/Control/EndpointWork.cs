using System.Net;
using System.Net.NetworkInformation;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

/// <summary>
/// One endpoint create in progress, alone or as the first half of a connect: the operation (its intent's and test steps'
/// name), the network, the endpoint as reserved, the parsed static addresses and MAC, whether IPAM releases are tracked,
/// the intent, the undo steps, and the message of a failure.
/// </summary>
internal sealed record EndpointWork(string Operation, Network Owner, Endpoint Endpoint, IPAddress? StaticV4, IPAddress? StaticV6,
    PhysicalAddress? Mac, bool TracksIpam, Intent Intent, Rollback Rollback, string NotDone);
