using System.Text.Json.Serialization;

namespace Cnm.Plugins.Discovery;

/// <summary>Reads <c>.json</c> spec files; keys match case-insensitively, as Go's decoder does. Unknown keys (<c>Name</c>) are ignored.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(SpecFile))]
internal sealed partial class SpecFileJsonContext : JsonSerializerContext;
