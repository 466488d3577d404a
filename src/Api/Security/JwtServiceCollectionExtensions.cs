using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace OrleansInference.Api.Security;

/// <summary>Registers the JWT bearer handler that <see cref="AccessControl"/> asks about bearer credentials that are no API key.</summary>
internal static class JwtServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="JwtBearerDefaults.AuthenticationScheme"/> scheme, configured from <c>Auth:Jwt</c>
    /// (<see cref="JwtOptions"/>): keys from configuration only (no metadata download), claim names kept as the token
    /// spells them. It is no default scheme: only <see cref="AccessControl"/> invokes it.
    /// </summary>
    public static IServiceCollection AddJwtBearerTokens(IServiceCollection services)
    {
        services.AddAuthentication().AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((bearer, auth) =>
        {
            var jwt = auth.Value.Jwt;
            bearer.MapInboundClaims = false;
            bearer.RequireHttpsMetadata = false;
            bearer.SaveToken = false;
            bearer.IncludeErrorDetails = false;
            if (jwt.IsConfigured && JwtValidation.CheckKeys(jwt) is null)
            {
                bearer.TokenValidationParameters = JwtValidation.Parameters(jwt);
            }
        });
        return services;
    }
}
