using System.Globalization;
using Grpc.AspNetCore.Server;
using OrleansInference.Api.Http;

namespace OrleansInference.Api.Security;

/// <summary>
/// Enforces <see cref="AccessControl"/> on REST endpoints. Refusals speak the protocol of the endpoint: problem details
/// on the project's API, the v2 error body under <c>/v2</c>. gRPC methods are checked by
/// <see cref="AccessControlInterceptor"/>, which answers with a gRPC status.
/// </summary>
internal sealed class AccessControlMiddleware(RequestDelegate next, AccessControl access)
{
    /// <summary>
    /// Admits or refuses the request. Not an async method: an admitted request returns the next delegate's task as it
    /// is, so a request that waits (for its batch) pays for no state machine of this middleware.
    /// </summary>
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
        {
            return next(context);
        }

        var check = access.CheckAsync(context, browserReachable: true);
        if (!check.IsCompletedSuccessfully)
        {
            return CheckedAsync(check, context);
        }

        return check.Result is { } refusal ? RefuseAsync(context, refusal) : next(context);
    }

    private async Task CheckedAsync(ValueTask<AccessRefusal?> check, HttpContext context)
    {
        if (await check is { } refusal)
        {
            await RefuseAsync(context, refusal);
            return;
        }

        await next(context);
    }

    private static async Task RefuseAsync(HttpContext context, AccessRefusal refusal)
    {
        var response = context.Response;
        if (refusal.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = AccessControl.Seconds(wait).ToString(CultureInfo.InvariantCulture);
        }

        if (context.Request.Path.StartsWithSegments("/v2"))
        {
            await V2Errors.WriteAsync(response, refusal.StatusCode, refusal.Message, context.RequestAborted);
            return;
        }

        await Results.Problem(refusal.Message, statusCode: refusal.StatusCode).ExecuteAsync(context);
    }
}
