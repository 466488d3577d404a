using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace OrleansInference.Api.Http;

/// <summary>
/// Reads JSON strings that may not be text: raw bytes that are not UTF-8 and escaped unpaired surrogates
/// (<c>"\ud800"</c>) pass the JSON reader and fail only when the string is decoded. The one place that decoding
/// failure becomes a message naming the field, instead of an exception past the endpoint.
/// </summary>
internal static class JsonText
{
    /// <summary>Decodes the reader's current string token; false when it is not valid Unicode text.</summary>
    public static bool TryGetString(ref Utf8JsonReader reader, [NotNullWhen(true)] out string? value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>Decodes a string element; false when it is not valid Unicode text.</summary>
    public static bool TryGetString(JsonElement element, [NotNullWhen(true)] out string? value)
    {
        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    /// <summary>The message for a <paramref name="field"/> whose string is not valid Unicode text.</summary>
    public static string NotText(string field) =>
        $"{field} is not valid Unicode text: it holds bytes that are not UTF-8 or an escaped unpaired surrogate (\\ud800-\\udfff).";
}
