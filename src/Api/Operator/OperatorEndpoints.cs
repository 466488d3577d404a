using Orleans;
using OrleansInference.Api.Experiments;
using OrleansInference.Api.Security;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Api.Operator;

/// <summary>
/// The operator page at <c>/ui/</c> (<c>/</c> and <c>/ui</c> redirect to it), its files, and the JSON it polls,
/// <c>GET /ui/api/overview</c>. All of it needs the admin role when API keys are configured, like the Orleans dashboard;
/// without keys it answers loopback callers only (<see cref="LoopbackWithoutKeysFilter"/>).
/// </summary>
internal static class OperatorEndpoints
{
    /// <summary>The page's content security policy: its own files and JSON only, no inline script or style, no framing.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapOperatorPage(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var overview = new OperatorOverviewBuilder(
            services.GetRequiredService<ModelCatalog>(), services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<TimeProvider>());
        app.MapGet("/", (HttpContext context) => Results.Redirect(context.Request.PathBase + "/ui/"))
            .AddEndpointFilter<LoopbackWithoutKeysFilter>()
            .RequireAccess(ApiAccess.Admin)
            .ExcludeFromDescription();

        var ui = app.MapGroup("/ui")
            .AddEndpointFilter<LoopbackWithoutKeysFilter>()
            .RequireAccess(ApiAccess.Admin)
            .WithTags("Operator");

        // Routing ignores a trailing slash, so "/ui" and "/ui/" both land here: the page's relative links need the slash.
        ui.MapGet("/", (HttpContext context) => context.Request.Path.Value!.EndsWith('/')
                ? File(context, OperatorAssets.Index)
                : Results.Redirect(context.Request.PathBase + "/ui/", permanent: true))
            .ExcludeFromDescription();
        foreach (var name in OperatorAssets.Files.Keys.Where(n => n != OperatorAssets.Index))
        {
            ui.MapGet("/" + name, (HttpContext context) => File(context, name)).ExcludeFromDescription();
        }

        ui.MapGet("/api/overview", async (HttpContext context, CancellationToken cancellationToken) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return ExperimentJson.Ok(await overview.BuildAsync(cancellationToken));
            })
            .WithName("OperatorOverview")
            .WithSummary("Everything the operator page shows: models and versions with state, provider and counters; experiments; batch jobs; drift; alerts.");
        return app;
    }

    private static IResult File(HttpContext context, string name)
    {
        var (content, contentType) = OperatorAssets.Files[name];
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Bytes(content, contentType);
    }
}
