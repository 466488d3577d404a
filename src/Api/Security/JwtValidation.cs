using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace OrleansInference.Api.Security;

/// <summary>Turns <see cref="JwtOptions"/> into signing keys and the token validation rules of the JWT bearer handler.</summary>
internal static class JwtValidation
{
    /// <summary>The smallest HMAC key accepted, in bytes (HS256 needs 256 bits).</summary>
    public const int MinSymmetricKeyBytes = 32;

    /// <summary>The smallest RSA key accepted, in bits.</summary>
    public const int MinRsaKeyBits = 2048;

    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
    ];

    /// <summary>The rules every token must pass: configured keys and algorithms only, issuer, audience, an expiry.</summary>
    public static TokenValidationParameters Parameters(JwtOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKeys = SigningKeys(options),
        ValidAlgorithms = Algorithms,
        ClockSkew = options.ClockSkew,
        RoleClaimType = options.RoleClaim,
        NameClaimType = options.NameClaim,
    };

    /// <summary>The configured keys; throws <see cref="FormatException"/> or <see cref="ArgumentException"/> on a malformed one.</summary>
    public static IReadOnlyList<SecurityKey> SigningKeys(JwtOptions options)
    {
        var keys = new List<SecurityKey>(2);
        if (!string.IsNullOrWhiteSpace(options.SymmetricKey))
        {
            keys.Add(new SymmetricSecurityKey(Convert.FromBase64String(options.SymmetricKey.Trim())));
        }

        if (!string.IsNullOrWhiteSpace(options.RsaPublicKeyPem))
        {
            // The RSA object lives as long as the key (the handler's options, a singleton).
            var rsa = RSA.Create();
            rsa.ImportFromPem(options.RsaPublicKeyPem);
            keys.Add(new RsaSecurityKey(rsa));
        }

        return keys;
    }

    /// <summary>The problem with the configured keys, naming the key; null when they are usable.</summary>
    public static string? CheckKeys(JwtOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SymmetricKey))
        {
            var bytes = new byte[options.SymmetricKey.Length];
            if (!Convert.TryFromBase64String(options.SymmetricKey.Trim(), bytes, out var length))
            {
                return "Auth:Jwt:SymmetricKey must be base64 (for example: openssl rand -base64 32).";
            }

            if (length < MinSymmetricKeyBytes)
            {
                return $"Auth:Jwt:SymmetricKey decodes to {length} bytes; it needs at least {MinSymmetricKeyBytes} (256 bits).";
            }
        }

        if (!string.IsNullOrWhiteSpace(options.RsaPublicKeyPem))
        {
            using var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(options.RsaPublicKeyPem);
            }
            catch (ArgumentException)
            {
                return "Auth:Jwt:RsaPublicKeyPem must hold an RSA public key in PEM ('-----BEGIN PUBLIC KEY-----' or '-----BEGIN RSA PUBLIC KEY-----').";
            }
            catch (CryptographicException ex)
            {
                return $"Auth:Jwt:RsaPublicKeyPem could not be read as an RSA public key: {ex.Message}";
            }

            if (rsa.KeySize < MinRsaKeyBits)
            {
                return $"Auth:Jwt:RsaPublicKeyPem is a {rsa.KeySize}-bit key; it needs at least {MinRsaKeyBits} bits.";
            }
        }

        return null;
    }

    /// <summary>Why a token was refused, as a sentence for the caller (no token contents beyond issuer, audience and times).</summary>
    public static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException expired => $"The bearer token expired at {expired.Expires:yyyy-MM-ddTHH:mm:ssZ}; request a new one.",
        SecurityTokenNotYetValidException early => $"The bearer token is not valid before {early.NotBefore:yyyy-MM-ddTHH:mm:ssZ}.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry ('exp'); the server accepts only tokens that expire.",
        SecurityTokenInvalidIssuerException issuer => $"The bearer token's issuer '{issuer.InvalidIssuer}' is not the issuer this server trusts.",
        SecurityTokenInvalidAudienceException => "The bearer token's audience ('aud') is not this server's audience.",
        SecurityTokenInvalidAlgorithmException algorithm => $"The bearer token is signed with '{algorithm.InvalidAlgorithm}'; accepted: HS256/384/512, RS256/384/512, PS256/384/512.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature does not verify against the server's signing keys.",
        SecurityTokenMalformedException or ArgumentException => "The bearer credential is neither a known API key nor a well-formed JWT.",
        null => "A valid API key or bearer token is required: send 'Authorization: Bearer <key or token>' or 'X-API-Key: <key>'.",
        _ => $"The bearer token is not valid ({failure.GetType().Name}).",
    };
}
