using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cnm.Core.Net;

namespace Cnm.Linux.Firewall;

/// <summary>
/// Pieces of libnftables' JSON rule syntax (libnftables-json(5)), as JSON text. Strings are escaped here, so
/// interface names and comments can never break out of their value.
/// </summary>
internal static class NftExpr
{
    public const string Null = "null";
    public const string Accept = """{"accept":null}""";
    public const string Drop = """{"drop":null}""";
    public const string Masquerade = """{"masquerade":null}""";

    /// <summary>A JSON string literal.</summary>
    public static string Str(string value) => "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() + "\"";

    /// <summary>A JSON number.</summary>
    public static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A JSON object of already-encoded values: <c>{"k":v,...}</c>.</summary>
    public static string Obj(params (string Key, string Value)[] members) =>
        "{" + string.Join(',', members.Select(m => Str(m.Key) + ":" + m.Value)) + "}";

    public static string Meta(string key) => Obj(("meta", Obj(("key", Str(key)))));

    public static string Match(string left, string op, string right) =>
        Obj(("match", Obj(("op", Str(op)), ("left", left), ("right", right))));

    public static string IifName(string name, bool equal = true) => Match(Meta("iifname"), equal ? "==" : "!=", Str(name));

    public static string OifName(string name, bool equal = true) => Match(Meta("oifname"), equal ? "==" : "!=", Str(name));

    public static string Jump(string chain) => Obj(("jump", Obj(("target", Str(chain)))));

    public static string CtStateEstablished => Match("""{"ct":{"key":"state"}}""", "in", """["established","related"]""");

    public static string CtStatusDnat => Match("""{"ct":{"key":"status"}}""", "in", Str("dnat"));

    public static string FibDaddrLocal => Match("""{"fib":{"result":"type","flags":["daddr"]}}""", "==", Str("local"));

    public static string NfProto(AddressFamily family) =>
        Match(Meta("nfproto"), "==", Str(family == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4"));

    public static string Address(IPAddress address, string field, bool equal = true) =>
        Match(Payload(Family(address), field), equal ? "==" : "!=", Str(address.ToString()));

    public static string Source(IpPrefix prefix) => Match(Payload(Family(prefix.Address), "saddr"), "==", Prefix(prefix));

    public static string DestinationNot(IpPrefix prefix) => Match(Payload(Family(prefix.Address), "daddr"), "!=", Prefix(prefix));

    public static string DestinationPort(string protocol, int port) => Match(Payload(protocol, "dport"), "==", Num(port));

    public static string Dnat(IPAddress address, int port) =>
        Obj(("dnat", Obj(("family", Str(Family(address))), ("addr", Str(address.ToString())), ("port", Num(port)))));

    private static string Prefix(IpPrefix prefix) =>
        Obj(("prefix", Obj(("addr", Str(prefix.Network.Address.ToString())), ("len", Num(prefix.PrefixLength)))));

    private static string Payload(string protocol, string field) => Obj(("payload", Obj(("protocol", Str(protocol)), ("field", Str(field)))));

    private static string Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip";
}
