using System.Buffers;
using System.Net.NetworkInformation;
using System.Text.Json;
using Cnm.Core.Model;
using static Cnm.Core.Drivers.DriverOptionKeys;

namespace Cnm.Core.Control;

/// <summary>Builds the generic option maps that drivers receive (docs/reference-host.md §3.2, 3.5, 3.8).</summary>
internal static class GenericOptions
{
    public static readonly IReadOnlyDictionary<string, JsonElement> Empty = new Dictionary<string, JsonElement>();

    /// <summary>
    /// Network options as Docker 20.10 sends them: the driver options under <c>com.docker.network.generic</c>,
    /// <c>enable_ipv6</c> always, <c>internal</c> only when set.
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> ForNetwork(NetworkCreateOptions options)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            [EnableIPv6] = Bool(options.EnableIPv6),
            [Generic] = StringMap(options.DriverOptions),
        };
        if (options.Internal)
        {
            map[Internal] = Bool(true);
        }

        return map;
    }

    /// <summary>
    /// Endpoint options: each driver option as a top-level string, the port lists when given, and the MAC the user
    /// asked for as base64 bytes (Go's []byte). A MAC generated for the IPAM goes to RequestAddress only.
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> ForEndpoint(EndpointCreateOptions options, PhysicalAddress? mac)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in options.DriverOptions)
        {
            map[key] = String(value);
        }

        if (mac is not null)
        {
            map[MacAddress] = String(Convert.ToBase64String(mac.GetAddressBytes()));
        }

        AddPorts(map, options.ExposedPorts, options.PortBindings);
        return map;
    }

    /// <summary>Sandbox labels and port lists (when the sandbox has them) as Join and ProgramExternalConnectivity options.</summary>
    public static IReadOnlyDictionary<string, JsonElement> ForSandbox(SandboxCreateOptions options)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in options.Labels)
        {
            map[key] = String(value);
        }

        AddPorts(map, options.ExposedPorts, options.PortBindings);
        return map;
    }

    private static void AddPorts(Dictionary<string, JsonElement> map, IReadOnlyList<TransportPort>? exposed, IReadOnlyList<PortBinding>? bindings)
    {
        if (exposed is not null)
        {
            map[ExposedPorts] = Write(w =>
            {
                w.WriteStartArray();
                foreach (var port in exposed)
                {
                    w.WriteStartObject();
                    w.WriteNumber("Proto", port.Proto);
                    w.WriteNumber("Port", port.Port);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }

        if (bindings is not null)
        {
            map[PortMap] = Write(w =>
            {
                w.WriteStartArray();
                foreach (var binding in bindings)
                {
                    w.WriteStartObject();
                    w.WriteNumber("Proto", binding.Proto);
                    w.WriteString("IP", binding.IP);
                    w.WriteNumber("Port", binding.Port);
                    w.WriteString("HostIP", binding.HostIP);
                    w.WriteNumber("HostPort", binding.HostPort);
                    w.WriteNumber("HostPortEnd", binding.HostPortEnd);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }
    }

    // The constant values are made once: a writer, a buffer and a parsed document per option and per CreateNetwork were
    // a few percent of what a network cycle allocated (spec/performance.md). A JsonElement is immutable, so one is shared.
    private static readonly JsonElement True = Write(w => w.WriteBooleanValue(true));
    private static readonly JsonElement False = Write(w => w.WriteBooleanValue(false));
    private static readonly JsonElement EmptyMap = Write(w =>
    {
        w.WriteStartObject();
        w.WriteEndObject();
    });

    private static JsonElement Bool(bool value) => value ? True : False;

    private static JsonElement String(string value) => Write(w => w.WriteStringValue(value));

    private static JsonElement StringMap(IReadOnlyDictionary<string, string> values) => values.Count == 0 ? EmptyMap : Write(w =>
    {
        w.WriteStartObject();
        foreach (var (key, value) in values)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    });

    private static JsonElement Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }
}
