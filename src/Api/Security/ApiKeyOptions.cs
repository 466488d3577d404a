namespace OrleansInference.Api.Security;

/// <summary>One API key, stored as the SHA-256 of its secret (<c>printf %s "$KEY" | sha256sum</c>), never the secret itself.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who holds the key; appears in logs and metrics, never the secret.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>SHA-256 of the secret, 64 hex digits.</summary>
    public string Sha256 { get; set; } = string.Empty;

    /// <summary><c>inference</c> (predict and read) or <c>admin</c> (everything).</summary>
    public string Role { get; set; } = "inference";

    /// <summary>Sustained requests per second allowed for this key; 0 for no limit.</summary>
    public double RequestsPerSecond { get; set; }

    /// <summary>Requests allowed in a burst above the sustained rate. Default: one second's worth (at least 1).</summary>
    public int? Burst { get; set; }
}
