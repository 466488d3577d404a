namespace OrleansInference.Api.Security;

/// <summary>
/// JWT bearer tokens accepted beside API keys (configuration section <c>Auth:Jwt</c>). Tokens are validated locally
/// against the configured signing keys (no metadata download): signature, issuer, audience and lifetime. The role
/// comes from <see cref="RoleClaim"/>: <see cref="AdminRole"/> grants the admin role, <see cref="InferenceRole"/> the
/// inference role; a token with neither is refused with 403.
/// </summary>
public sealed class JwtOptions
{
    /// <summary>The issuer (<c>iss</c>) tokens must carry. Required when a signing key is set.</summary>
    public string? Issuer { get; set; }

    /// <summary>The audience (<c>aud</c>) tokens must carry. Required when a signing key is set.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// Base64 of the HMAC key for HS256/HS384/HS512 tokens, at least 32 bytes (256 bits) once decoded. Empty (default):
    /// no HMAC-signed tokens.
    /// </summary>
    public string? SymmetricKey { get; set; }

    /// <summary>
    /// The PEM text (<c>-----BEGIN PUBLIC KEY-----</c>) of the RSA public key for RS256/RS384/RS512/PS256 tokens, at
    /// least 2048 bits. Empty (default): no RSA-signed tokens.
    /// </summary>
    public string? RsaPublicKeyPem { get; set; }

    /// <summary>The claim holding the caller's roles (a string or an array of strings). Default <c>role</c>.</summary>
    public string RoleClaim { get; set; } = "role";

    /// <summary>The role claim value that maps onto the admin role. Default <c>admin</c>.</summary>
    public string AdminRole { get; set; } = "admin";

    /// <summary>The role claim value that maps onto the inference role. Default <c>inference</c>.</summary>
    public string InferenceRole { get; set; } = "inference";

    /// <summary>
    /// The claim naming the caller in logs and as the owner of what it creates (batch jobs), prefixed <c>jwt:</c>.
    /// Default <c>sub</c>.
    /// </summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>Tolerated clock difference when checking <c>exp</c> and <c>nbf</c>, 0 to 5 minutes. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when at least one signing key is configured: bearer credentials that are not API keys are then validated as JWTs.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(SymmetricKey) || !string.IsNullOrWhiteSpace(RsaPublicKeyPem);
}
