using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansInference.Api.Tests.Security;

/// <summary>Signs the tokens the JWT tests present: an HMAC key and an RSA key the server trusts, and one it does not.</summary>
internal sealed class JwtTokens : IDisposable
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "orleans-inference";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _untrustedRsa = RSA.Create(2048);

    public JwtTokens()
    {
        SymmetricKey = RandomNumberGenerator.GetBytes(32);
    }

    public byte[] SymmetricKey { get; }

    public string RsaPublicKeyPem => _rsa.ExportSubjectPublicKeyInfoPem();

    /// <summary>The server settings trusting both keys.</summary>
    public Dictionary<string, string> Settings() => new()
    {
        ["Auth:Enabled"] = "true",
        ["Auth:Jwt:Issuer"] = Issuer,
        ["Auth:Jwt:Audience"] = Audience,
        ["Auth:Jwt:SymmetricKey"] = Convert.ToBase64String(SymmetricKey),
        ["Auth:Jwt:RsaPublicKeyPem"] = RsaPublicKeyPem,
        ["Auth:Jwt:ClockSkew"] = "00:00:05",
    };

    /// <summary>An HS256 token; every part may be overridden to make it invalid.</summary>
    public string Hmac(string? role, string subject = "alice", string issuer = Issuer, string audience = Audience, DateTime? expires = null, byte[]? key = null) =>
        Create(new SigningCredentials(new SymmetricSecurityKey(key ?? SymmetricKey), SecurityAlgorithms.HmacSha256), role, subject, issuer, audience, expires);

    /// <summary>An RS256 token signed with the trusted RSA key, or with a key the server does not know.</summary>
    public string Rsa(string? role, bool trusted = true) =>
        Create(new SigningCredentials(new RsaSecurityKey(trusted ? _rsa : _untrustedRsa), SecurityAlgorithms.RsaSha256), role, "rsa-caller", Issuer, Audience, null);

    public void Dispose()
    {
        _rsa.Dispose();
        _untrustedRsa.Dispose();
    }

    private static string Create(SigningCredentials credentials, string? role, string subject, string issuer, string audience, DateTime? expires)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (role is not null)
        {
            claims["role"] = role;
        }

        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = expiry.AddMinutes(-20),
            NotBefore = expiry.AddMinutes(-20),
            Expires = expiry,
            SigningCredentials = credentials,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
