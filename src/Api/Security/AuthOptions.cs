namespace OrleansInference.Api.Security;

/// <summary>API keys, JWT bearer tokens and rate limits (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Auth";

    /// <summary>
    /// When true, every endpoint except health, readiness and (unless <see cref="AnonymousMetrics"/> is false) metrics
    /// needs a key: <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-API-Key: &lt;key&gt;</c> (gRPC: the same metadata).
    /// Default false: the embedded default listens on 127.0.0.1 only; turn this on before exposing the server.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>The accepted keys.</summary>
    public IList<ApiKeyOptions> Keys { get; } = [];

    /// <summary>JWT bearer tokens accepted beside the keys (section <c>Auth:Jwt</c>); off unless a signing key is set.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Whether <c>/metrics</c> stays open to Prometheus scrapers without a key. Default true.</summary>
    public bool AnonymousMetrics { get; set; } = true;

    /// <summary>With auth off, sustained requests per second allowed per client address; 0 (default) for no limit.</summary>
    public double PerClientRequestsPerSecond { get; set; }
}
