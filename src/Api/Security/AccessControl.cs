using Microsoft.Extensions.Options;

namespace OrleansInference.Api.Security;

/// <summary>
/// The one decision on API keys, roles and rate limits per endpoint (see <see cref="ApiAccessMetadata"/>), for REST
/// (<see cref="AccessControlMiddleware"/>) and gRPC (<see cref="AccessControlInterceptor"/>) alike.
/// </summary>
internal sealed partial class AccessControl(ApiKeyRegistry keys, IOptions<AuthOptions> options, ILogger<AccessControl> logger)
{
    /// <summary>The <see cref="HttpContext.Items"/> key holding the authenticated key's name.</summary>
    public const string KeyNameItem = "orleans-inference.api-key";

    /// <summary>The <see cref="HttpContext.Items"/> key holding whether the authenticated key has the admin role.</summary>
    public const string KeyIsAdminItem = "orleans-inference.api-key-admin";

    /// <summary>Null when the request may go on (the key's name is then in <see cref="KeyNameItem"/>); otherwise why not.</summary>
    /// <param name="context">The request.</param>
    /// <param name="browserReachable">
    /// False on the gRPC port: browsers speak neither cleartext HTTP/2 nor <c>application/grpc</c> across origins, so
    /// the guard against web pages (<see cref="BrowserRequestGuard"/>) does not apply there.
    /// </param>
    public AccessRefusal? Check(HttpContext context, bool browserReachable)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<ApiAccessMetadata>()?.Access ?? ApiAccess.Inference;
        var auth = options.Value;
        if (required == ApiAccess.Anonymous)
        {
            return null;
        }

        if (!auth.Enabled)
        {
            if (browserReachable && BrowserRequestGuard.Check(context.Request, required) is { } refusal)
            {
                Log.BrowserGuarded(logger, context.Request.Method, context.Request.Path, refusal.Message);
                return new AccessRefusal(refusal.Status, refusal.Message);
            }

            if (keys.LimitsClients)
            {
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (!keys.TryAcquireForClient(client, out var wait))
                {
                    return new AccessRefusal(StatusCodes.Status429TooManyRequests, $"Client {client} is over its rate limit; retry after {Seconds(wait)} s.", wait);
                }
            }

            return null;
        }

        var key = keys.Authenticate(PresentedSecret(context.Request));
        if (key is null)
        {
            Log.Unauthenticated(logger, context.Request.Method, context.Request.Path);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return new AccessRefusal(StatusCodes.Status401Unauthorized, "A valid API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.");
        }

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

    /// <summary>Whole seconds to wait, at least 1.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    private static ReadOnlySpan<char> PresentedSecret(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
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

        [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Refused {Method} {Path} to API key {Key}: the admin role is required.")]
        public static partial void Forbidden(ILogger logger, string key, string method, PathString path);
    }
}
