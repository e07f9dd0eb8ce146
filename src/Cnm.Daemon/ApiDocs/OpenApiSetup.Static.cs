namespace Cnm.Daemon.ApiDocs;

/// <summary>
/// The Native AOT publish's document: spec/daemon-api.json, embedded in the binary at publish and served as it is.
/// It is the document the JIT build generates (OpenApiTests: the committed file equals what the JIT cnmd generates, and
/// what this cnmd serves equals the file), without linking the generator.
/// </summary>
internal static partial class OpenApiSetup
{
    private const string ResourceName = "cnmd.openapi.json";

    private static readonly Lazy<byte[]> StaticDocument = new(() =>
    {
        using var stream = typeof(OpenApiSetup).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in cnmd");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private static partial void AddDocument(IServiceCollection services)
    {
    }

    private static partial void MapDocument(WebApplication app) =>
        app.MapGet(DocumentPath, () => Results.Bytes(StaticDocument.Value, "application/json;charset=utf-8"))
            .ExcludeFromDescription();
}
