using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Grpc;
using OrleansInference.Api.Http;

namespace OrleansInference.Api.Security;

/// <summary>
/// Enforces API keys and rate limits per endpoint (see <see cref="ApiAccessMetadata"/>). Refusals speak the protocol of
/// the endpoint: problem details on the project's API, the v2 error body under <c>/v2</c>, a gRPC status on gRPC.
/// </summary>
internal sealed partial class AccessControlMiddleware(RequestDelegate next, ApiKeyRegistry keys, IOptions<AuthOptions> options, ILogger<AccessControlMiddleware> logger)
{
    /// <summary>The <see cref="HttpContext.Items"/> key holding the authenticated key's name.</summary>
    public const string KeyNameItem = "orleans-inference.api-key";

    /// <summary>
    /// Admits or refuses the request. Not an async method: an admitted request returns the next delegate's task as it
    /// is, so a request that waits (for its batch) pays for no state machine of this middleware.
    /// </summary>
    public Task InvokeAsync(HttpContext context)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<ApiAccessMetadata>()?.Access ?? ApiAccess.Inference;
        var auth = options.Value;
        if (required == ApiAccess.Anonymous)
        {
            return next(context);
        }

        if (!auth.Enabled)
        {
            if (BrowserRequestGuard.Check(context.Request, required) is { } refusal)
            {
                Log.BrowserGuarded(logger, context.Request.Method, context.Request.Path, refusal.Message);
                return RefuseAsync(context, refusal.Status, refusal.Message, null);
            }

            if (keys.LimitsClients)
            {
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (!keys.TryAcquireForClient(client, out var wait))
                {
                    return RefuseAsync(context, StatusCodes.Status429TooManyRequests, $"Client {client} is over its rate limit; retry after {Seconds(wait)} s.", wait);
                }
            }

            return next(context);
        }

        var key = keys.Authenticate(PresentedSecret(context.Request));
        if (key is null)
        {
            Log.Unauthenticated(logger, context.Request.Method, context.Request.Path);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return RefuseAsync(context, StatusCodes.Status401Unauthorized, "A valid API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.", null);
        }

        if (required == ApiAccess.Admin && !key.IsAdmin)
        {
            Log.Forbidden(logger, key.Name, context.Request.Method, context.Request.Path);
            return RefuseAsync(context, StatusCodes.Status403Forbidden, $"API key '{key.Name}' has the inference role; {context.Request.Method} {context.Request.Path} needs the admin role.", null);
        }

        if (!ApiKeyRegistry.TryAcquire(key.Limiter?.AttemptAcquire(), out var retryAfter))
        {
            return RefuseAsync(context, StatusCodes.Status429TooManyRequests, $"API key '{key.Name}' is over its rate limit; retry after {Seconds(retryAfter)} s.", retryAfter);
        }

        context.Items[KeyNameItem] = key.Name;
        return next(context);
    }

    private static ReadOnlySpan<char> PresentedSecret(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization.AsSpan(7).Trim();
        }

        return request.Headers["X-API-Key"].ToString().AsSpan().Trim();
    }

    private static async Task RefuseAsync(HttpContext context, int status, string message, TimeSpan? retryAfter)
    {
        var response = context.Response;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Seconds(wait).ToString(CultureInfo.InvariantCulture);
        }

        var path = context.Request.Path;
        if (path.StartsWithSegments("/" + GrpcInferenceService.ServiceName))
        {
            GrpcFraming.WriteStatus(response, status switch
            {
                StatusCodes.Status401Unauthorized => GrpcStatusCode.Unauthenticated,
                StatusCodes.Status403Forbidden => GrpcStatusCode.PermissionDenied,
                _ => GrpcStatusCode.ResourceExhausted,
            }, message);
            return;
        }

        if (path.StartsWithSegments("/v2"))
        {
            await V2Errors.WriteAsync(response, status, message, context.RequestAborted);
            return;
        }

        await Results.Problem(message, statusCode: status).ExecuteAsync(context);
    }

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

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
