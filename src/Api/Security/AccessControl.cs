using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace OrleansInference.Api.Security;

/// <summary>
/// The one decision on API keys, JWT bearer tokens, roles and rate limits per endpoint (see <see cref="ApiAccessMetadata"/>), for REST
/// (<see cref="AccessControlMiddleware"/>) and gRPC (<see cref="AccessControlInterceptor"/>) alike.
/// </summary>
internal sealed partial class AccessControl(ApiKeyRegistry keys, IOptions<AuthOptions> options, ILogger<AccessControl> logger)
{
    /// <summary>The <see cref="HttpContext.Items"/> key holding the authenticated key's name.</summary>
    public const string KeyNameItem = "orleans-inference.api-key";

    /// <summary>The <see cref="HttpContext.Items"/> key holding whether the authenticated key has the admin role.</summary>
    public const string KeyIsAdminItem = "orleans-inference.api-key-admin";

    /// <summary>
    /// Null when the request may go on (the caller's name is then in <see cref="KeyNameItem"/>); otherwise why not.
    /// Completes synchronously except for a bearer credential that is no API key while JWTs are configured: that one
    /// is validated by the JWT bearer handler (<see cref="JwtOptions"/>).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="browserReachable">
    /// False on the gRPC port: browsers speak neither cleartext HTTP/2 nor <c>application/grpc</c> across origins, so
    /// the guard against web pages (<see cref="BrowserRequestGuard"/>) does not apply there.
    /// </param>
    public ValueTask<AccessRefusal?> CheckAsync(HttpContext context, bool browserReachable)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<ApiAccessMetadata>()?.Access ?? ApiAccess.Inference;
        var auth = options.Value;
        if (required == ApiAccess.Anonymous)
        {
            return default;
        }

        if (!auth.Enabled)
        {
            if (browserReachable && BrowserRequestGuard.Check(context.Request, required) is { } refusal)
            {
                Log.BrowserGuarded(logger, context.Request.Method, context.Request.Path, refusal.Message);
                return new(new AccessRefusal(refusal.Status, refusal.Message));
            }

            if (keys.LimitsClients)
            {
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (!keys.TryAcquireForClient(client, out var wait))
                {
                    return new(new AccessRefusal(StatusCodes.Status429TooManyRequests, $"Client {client} is over its rate limit; retry after {Seconds(wait)} s.", wait));
                }
            }

            return default;
        }

        var key = keys.Authenticate(PresentedSecret(context.Request, out var bearer));
        if (key is null)
        {
            if (bearer && auth.Jwt.IsConfigured)
            {
                return CheckTokenAsync(context, required, auth.Jwt);
            }

            Log.Unauthenticated(logger, context.Request.Method, context.Request.Path);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return new(new AccessRefusal(StatusCodes.Status401Unauthorized, auth.Jwt.IsConfigured
                ? JwtValidation.Describe(null)
                : "A valid API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."));
        }

        return new(Admit(context, key, required));
    }

    /// <summary>Whole seconds to wait, at least 1.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private AccessRefusal? Admit(HttpContext context, ApiKey key, ApiAccess required)
    {
        if (required == ApiAccess.Admin && !key.IsAdmin)
        {
            Log.Forbidden(logger, key.Name, context.Request.Method, context.Request.Path);
            return new AccessRefusal(StatusCodes.Status403Forbidden, $"API key '{key.Name}' has the inference role; {context.Request.Method} {context.Request.Path} needs the admin role.");
        }

        if (!ApiKeyRegistry.TryAcquire(key.Limiter?.AttemptAcquire(), out var retryAfter))
        {
            return new AccessRefusal(StatusCodes.Status429TooManyRequests, $"API key '{key.Name}' is over its rate limit; retry after {Seconds(retryAfter)} s.", retryAfter);
        }

        context.Items[KeyNameItem] = key.Name;
        context.Items[KeyIsAdminItem] = key.IsAdmin;
        return null;
    }

    /// <summary>Validates the bearer credential as a JWT and maps its role claim onto the admin or inference role.</summary>
    private async ValueTask<AccessRefusal?> CheckTokenAsync(HttpContext context, ApiAccess required, JwtOptions jwt)
    {
        var request = context.Request;
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded)
        {
            var reason = JwtValidation.Describe(result.Failure);
            Log.TokenRefused(logger, request.Method, request.Path, reason);
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return new AccessRefusal(StatusCodes.Status401Unauthorized, reason);
        }

        var principal = result.Principal;
        var name = "jwt:" + (principal.FindFirst(jwt.NameClaim)?.Value ?? "unnamed");
        var isAdmin = principal.HasClaim(jwt.RoleClaim, jwt.AdminRole);
        if (!isAdmin && !principal.HasClaim(jwt.RoleClaim, jwt.InferenceRole))
        {
            Log.TokenWithoutRole(logger, name, request.Method, request.Path, jwt.RoleClaim);
            return new AccessRefusal(StatusCodes.Status403Forbidden,
                $"The bearer token of '{name}' has no role this server knows in claim '{jwt.RoleClaim}'; expected '{jwt.AdminRole}' or '{jwt.InferenceRole}'.");
        }

        if (required == ApiAccess.Admin && !isAdmin)
        {
            Log.Forbidden(logger, name, request.Method, request.Path);
            return new AccessRefusal(StatusCodes.Status403Forbidden,
                $"The bearer token of '{name}' has the inference role ('{jwt.InferenceRole}'); {request.Method} {request.Path} needs the admin role ('{jwt.AdminRole}').");
        }

        context.Items[KeyNameItem] = name;
        context.Items[KeyIsAdminItem] = isAdmin;
        return null;
    }

    private static ReadOnlySpan<char> PresentedSecret(HttpRequest request, out bool bearer)
    {
        var authorization = request.Headers.Authorization.ToString();
        bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (bearer)
        {
            return authorization.AsSpan(7).Trim();
        }

        return request.Headers["X-API-Key"].ToString().AsSpan().Trim();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "Refused {Method} {Path}: no valid API key.")]
        public static partial void Unauthenticated(ILogger logger, string method, PathString path);

        [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Refused {Method} {Path} on a server without API keys: {Reason}")]
        public static partial void BrowserGuarded(ILogger logger, string method, PathString path, string reason);

        [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Refused {Method} {Path} to {Key}: the admin role is required.")]
        public static partial void Forbidden(ILogger logger, string key, string method, PathString path);

        [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Refused {Method} {Path}: {Reason}")]
        public static partial void TokenRefused(ILogger logger, string method, PathString path, string reason);

        [LoggerMessage(EventId = 4204, Level = LogLevel.Information, Message = "Refused {Method} {Path} to {Caller}: its token has no known role in claim {RoleClaim}.")]
        public static partial void TokenWithoutRole(ILogger logger, string caller, string method, PathString path, string roleClaim);
    }
}
