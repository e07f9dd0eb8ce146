namespace Cnm.Daemon.ApiDocs;

/// <summary>A query parameter a handler reads by hand (so the generator cannot see it), for the document.</summary>
internal sealed record QueryParameterMetadata(string Name, string Description);
