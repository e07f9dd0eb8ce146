using System.Net;

namespace Cnm.Plugins.Testing.InMemory;

/// <summary>The endpoint Kestrel binds for an <see cref="InMemoryPluginTransport"/>.</summary>
internal sealed class InMemoryEndPoint(InMemoryPluginTransport transport) : EndPoint
{
    public InMemoryPluginTransport Transport { get; } = transport;

    public override string ToString() => "in-memory";
}
