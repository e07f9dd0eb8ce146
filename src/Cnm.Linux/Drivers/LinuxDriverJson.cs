using System.Text.Json.Serialization;
using Cnm.Linux.Drivers.Bridge;

namespace Cnm.Linux.Drivers;

/// <summary>Source-generated JSON of the built-in Linux drivers (trimming- and AOT-safe).</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(List<PublishedPort>))]
internal sealed partial class LinuxDriverJson : JsonSerializerContext;
