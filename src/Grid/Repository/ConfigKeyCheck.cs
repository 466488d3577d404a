using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansInference.Grid.Repository;

/// <summary>
/// Finds keys in a model config that no setting reads, so none is silently ignored: walks the JSON document beside
/// the config's serialization contract and names the first unknown key with the keys accepted where it stands.
/// Values read by their own converters (warm-up tensors, free-form metadata) are not walked.
/// </summary>
internal static class ConfigKeyCheck
{
    /// <summary>Null when every key is known; otherwise a sentence naming the unknown key and the accepted ones.</summary>
    public static string? FindUnknownKey(ReadOnlySpan<byte> json)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var document = JsonDocument.Parse(json.ToArray(), options);
        return Walk(document.RootElement, ModelConfigJsonContext.Default.ModelConfig, "$");
    }

    private static string? Walk(JsonElement element, JsonTypeInfo info, string path)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var known = info.Properties.FirstOrDefault(p => string.Equals(p.Name, property.Name, StringComparison.Ordinal));
                    if (known is null)
                    {
                        var accepted = string.Join(", ", info.Properties.Select(p => p.Name).Order(StringComparer.Ordinal));
                        return $"unknown key '{property.Name}' at '{path}'; the keys accepted there are: {accepted}.";
                    }

                    if (known.CustomConverter is null
                        && ModelConfigJsonContext.Default.GetTypeInfo(known.PropertyType) is { } propertyInfo
                        && Walk(property.Value, propertyInfo, $"{path}.{property.Name}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;

            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array
                && info.ElementType is { } elementType
                && ModelConfigJsonContext.Default.GetTypeInfo(elementType) is { } elementInfo:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Walk(item, elementInfo, $"{path}[{index++}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;

            default:
                return null;
        }
    }
}
