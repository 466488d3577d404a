using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Dashboard;
using OrleansInference.Api.Batch;
using OrleansInference.Api.Experiments;
using OrleansInference.Api.Generation;
using OrleansInference.Api.Grpc;
using OrleansInference.Api.Health;
using OrleansInference.Api.Http;
using OrleansInference.Api.KServe;
using OrleansInference.Api.Management;
using OrleansInference.Api.Metrics;
using OrleansInference.Api.Operator;
using OrleansInference.Api.Predict;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Api;

/// <summary>Maps every public endpoint.</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>The application property by which <c>UseAuthentication</c> marks the pipeline as having the middleware.</summary>
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>Adds the exception handler and maps the project's REST API, KServe v2, Triton extensions and health.</summary>
    /// <param name="app">The application.</param>
    /// <param name="dashboard">Maps the Orleans dashboard at <c>/dashboard</c> (its services must be registered).</param>
    public static WebApplication MapInferenceApi(this WebApplication app, bool dashboard)
    {
        // The JWT bearer scheme is invoked only by AccessControl, for a bearer credential that is no API key. Without
        // this mark the host would put ASP.NET Core's authentication middleware in front of every request, and with one
        // scheme registered that scheme is the default, so every request (API keys, no credential at all) would run the
        // JWT handler in a request service scope: ~1.5 KB and two async state machines per predict.
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        app.UseExceptionHandler();
        app.UseRequestDecompression();
        app.UseMiddleware<EmptyErrorBodyMiddleware>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseMiddleware<AccessControlMiddleware>();
        app.MapOpenApi("/openapi/{documentName}.json");
        // The hot path takes its singletons once here: binding them per request would resolve each from a request
        // service scope created for the purpose.
        var predict = new PredictEndpoint(
            app.Services.GetRequiredService<GridCalls>(),
            app.Services.GetRequiredService<ModelCatalog>(),
            app.Services.GetRequiredService<IOptions<ApiOptions>>(),
            app.Services.GetRequiredService<TimeProvider>(),
            app.Services.GetRequiredService<ExperimentRouter>(),
            app.Services.GetRequiredService<PredictionLog>(),
            app.Services.GetRequiredService<Resilience.VersionCircuitBreakers>());
        app.MapPost("/api/v1/predict", (Func<HttpContext, Task>)predict.HandleAsync)
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .WithName("Predict")
            .WithSummary("Predict one row or a list of rows with a model's serving version.");
        app.MapPost("/api/v1/explain", Explain.ExplainEndpoint.HandleAsync)
            .WithMetadata(RequestBodyLimitMetadata.Own)
            .WithName("Explain")
            .WithSummary("Explains one prediction: per-feature occlusion attributions against the training baseline.");
        app.MapTextEndpoints();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.AnonymousMetrics);
        app.MapGrpcInferenceService();
        app.MapModelManagementEndpoints();
        app.MapKServeEndpoints();
        app.MapExperimentEndpoints();
        app.MapBatchJobEndpoints();
        app.MapOperatorPage();
        if (dashboard)
        {
            // Orleans' own dashboard: silos, grains and call rates, for operators (admin role when keys are configured).
            // The page fetches its scripts and polls its JSON relative to /dashboard/, so /dashboard answers a
            // permanent redirect to /dashboard/ (behind the same access control as the page).
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAccess(ApiAccess.Admin);
        }

        return app;
    }
}
