using System.Text.Json.Serialization;

namespace Cnm.Core.Cluster;

/// <summary>Source-generated JSON of the cluster IPAM's records.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<ClusterPool>))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
