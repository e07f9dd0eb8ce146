using System.Text.Json.Serialization;
using Cnm.Protocol.Plugin;

namespace Cnm.Protocol;

/// <summary>
/// The one source-generated JSON context for plugin traffic. Property names are the Go field
/// names, pinned on each record; reads match keys case-insensitively, as the reference host does.
/// Plugin traffic never goes through ASP.NET's camelCase defaults.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(ActivateResponse))]
public sealed partial class PluginJsonContext : JsonSerializerContext;
