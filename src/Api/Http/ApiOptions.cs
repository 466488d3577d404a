using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Api.Http;

/// <summary>Limits of the public API. Bound from the <c>Api</c> configuration section.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Api";

    /// <summary>
    /// Where the REST API listens: <c>http://host:port</c> URLs separated by ';'. <c>--urls</c> or ASPNETCORE_URLS
    /// take precedence. Default <c>http://127.0.0.1:8080</c> (loopback only; expose it deliberately).
    /// </summary>
    public string Urls { get; set; } = Hosting.ListenEndpoints.DefaultUrls;

    /// <summary>
    /// How this process joins the grid: <see cref="GridMode.Embedded"/> (default) co-hosts a silo;
    /// <see cref="GridMode.Client"/> runs the API alone as an Orleans cluster client of the gateways in the
    /// <c>InferenceClient</c> section.
    /// </summary>
    public GridMode Grid { get; set; } = GridMode.Embedded;

    /// <summary>Largest inference request body, in bytes (predict and v2 infer). Range 1 KiB – 1 GiB. Default 16 MiB.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Largest body of every other endpoint (management, experiments, feedback, Triton repository), in bytes, enforced
    /// while the body streams in, so chunked bodies are held to it too. Range 1 KiB – 256 MiB. Default 4 MiB.
    /// </summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long MaxJsonBodyBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Deadline for an inference request when the model's config sets none, in milliseconds. Default 5000.</summary>
    [Range(1, 600_000)]
    public int DefaultDeadlineMs { get; set; } = 5000;
}

/// <summary>How an API process joins the grid.</summary>
public enum GridMode
{
    /// <summary>The process co-hosts a silo (the embedded default, and API nodes that serve models themselves).</summary>
    Embedded,

    /// <summary>The process hosts no silo: it calls the grid through an Orleans cluster client.</summary>
    Client,
}
