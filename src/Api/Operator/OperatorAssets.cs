using System.Collections.Frozen;

namespace OrleansInference.Api.Operator;

/// <summary>
/// The operator page's files (<c>Operator/Page</c>), embedded in the API assembly so the page works offline and from a
/// single published folder: read once, served from memory.
/// </summary>
internal static class OperatorAssets
{
    /// <summary>The page itself.</summary>
    public const string Index = "index.html";

    private const string ResourcePrefix = "OrleansInference.Api.Operator.Page.";

    /// <summary>File name to its bytes and content type.</summary>
    public static FrozenDictionary<string, (byte[] Content, string ContentType)> Files { get; } = Load();

    private static FrozenDictionary<string, (byte[] Content, string ContentType)> Load()
    {
        var assembly = typeof(OperatorAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[ResourcePrefix.Length..];
            files[name] = (copy.ToArray(), ContentType(name));
        }

        if (!files.ContainsKey(Index))
        {
            throw new InvalidOperationException($"The operator page's '{Index}' is not embedded in {assembly.GetName().Name}; the build lost 'Operator/Page/*'.");
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        var other => throw new InvalidOperationException($"The operator page's file '{name}' has an extension ('{other}') the page does not serve."),
    };
}
