using System.Net;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Security;

namespace OrleansInference.Api.Operator;

/// <summary>
/// Without API keys (the embedded default) the operator page is for the machine's own operator: it answers only
/// loopback callers whose <c>Host</c> names a loopback address, so neither another machine (on a server bound beyond
/// loopback) nor another site's page through DNS rebinding can read the grid's models, experiments and jobs. With
/// keys, <see cref="AccessControl"/> requires the admin role instead and this filter lets every request through.
/// </summary>
internal sealed class LoopbackWithoutKeysFilter(IOptions<AuthOptions> auth) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (auth.Value.Enabled)
        {
            return next(context);
        }

        var request = context.HttpContext.Request;
        var remote = context.HttpContext.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote))
        {
            return Refuse(
                $"GET {request.Path} is the operator page; without API keys only loopback callers may read it, and this one is {remote}. Configure Auth:Keys with an admin key.");
        }

        if (!BrowserRequestGuard.IsLoopbackHost(request.Host.Host))
        {
            return Refuse(
                $"GET {request.Path} names host '{request.Host.Host}'; without API keys the operator page answers only requests addressed to a loopback address (127.0.0.1, [::1] or localhost).");
        }

        return next(context);
    }

    private static ValueTask<object?> Refuse(string detail) =>
        ValueTask.FromResult<object?>(Results.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"));
}
