using System.Text.Json.Serialization;
using Cnm.Protocol.Json;

namespace Cnm.Protocol.Network;

/// <summary>
/// One address pool of a network, as sent in <c>IPv4Data</c>/<c>IPv6Data</c> of CreateNetwork and
/// AllocateNetwork (Go <c>driverapi.IPAMData</c>). Go writes it with a custom marshaller that builds a map, so
/// the keys go out sorted, <c>{"AddressSpace","AuxAddresses","Gateway","Pool"}</c>, whatever the order of the
/// parameters here; <c>Pool</c>, <c>Gateway</c> and <c>AuxAddresses</c> are left out when null, and the
/// entries of <c>AuxAddresses</c> are sorted too.
/// </summary>
/// <param name="AddressSpace">The IPAM address space of the pool, such as <c>LocalDefault</c>.</param>
/// <param name="Pool">The pool in CIDR form, exactly as the IPAM returned it (host bits kept).</param>
/// <param name="Gateway">The gateway address with the pool's mask, e.g. <c>172.18.0.1/16</c>.</param>
/// <param name="AuxAddresses">Reserved auxiliary addresses by name, each with the pool's mask.</param>
public sealed record IpamData(
    [property: JsonPropertyName("AddressSpace"), JsonPropertyOrder(1)] string AddressSpace,
    [property: JsonPropertyName("Pool"), JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Pool = null,
    [property: JsonPropertyName("Gateway"), JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Gateway = null,
    [property: JsonPropertyName("AuxAddresses"), JsonPropertyOrder(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull),
              JsonConverter(typeof(GoStringMapConverter))]
    IReadOnlyDictionary<string, string>? AuxAddresses = null);
