namespace OrleansInference.Api.Http;

/// <summary>
/// Gives an error status that would otherwise go out with an empty body (an unknown path's 404, a wrong method's 405)
/// a problem-details body, as ASP.NET Core's status-code pages do, without their per-request items dictionary and
/// feature: the hot inference paths answer with bodies of their own and pay only one status check.
/// </summary>
internal sealed class EmptyErrorBodyMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var response = context.Response;
        if (response.HasStarted
            || response.StatusCode is < 400 or >= 600
            || response.ContentLength is not null
            || !string.IsNullOrEmpty(response.ContentType))
        {
            return;
        }

        await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context });
    }
}
