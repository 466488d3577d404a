using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansInference.Api.KServe;

/// <summary>Writer settings shared by the v2 response and error bodies.</summary>
internal static class V2JsonOptions
{
    /// <summary>
    /// Non-ASCII text is written as UTF-8 rather than <c>\uXXXX</c> escapes; the bodies are served as
    /// <c>application/json</c>, never embedded in HTML.
    /// </summary>
    public static readonly JsonWriterOptions Writer = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };
}
