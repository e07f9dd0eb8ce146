using System.Text.Json.Serialization;

namespace Cnm.Core.Persistence;

/// <summary>Source-generated JSON of the stored controller records; property names as declared.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredNetwork))]
[JsonSerializable(typeof(StoredEndpoint))]
[JsonSerializable(typeof(StoredSandbox))]
[JsonSerializable(typeof(StoredIntent))]
[JsonSerializable(typeof(PendingCall))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
