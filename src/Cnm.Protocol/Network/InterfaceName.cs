using System.Text.Json.Serialization;

namespace Cnm.Protocol.Network;

/// <summary>
/// The interface a Join answer asks the host to move into the sandbox. Unset fields are the empty
/// string, as in Go, and every field is always written.
/// </summary>
/// <param name="SrcName">
/// The name of the interface on the host. Empty means no interface is moved (the driver set up the
/// sandbox itself).
/// </param>
/// <param name="DstPrefix">The name prefix inside the sandbox; the host appends a counter (<c>eth</c> becomes <c>eth0</c>).</param>
/// <param name="DstName">Part of the Go type but ignored by the reference host.</param>
public sealed record InterfaceName(
    [property: JsonPropertyName("SrcName")] string SrcName = "",
    [property: JsonPropertyName("DstPrefix")] string DstPrefix = "",
    [property: JsonPropertyName("DstName")] string DstName = "");
