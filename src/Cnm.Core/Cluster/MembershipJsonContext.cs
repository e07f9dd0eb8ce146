using System.Text.Json.Serialization;

namespace Cnm.Core.Cluster;

/// <summary>Source-generated JSON of the cluster records; property names as declared.</summary>
[JsonSerializable(typeof(ClusterMember))]
[JsonSerializable(typeof(GlobalIntent))]
internal sealed partial class MembershipJsonContext : JsonSerializerContext;
