using OrleansInference.Api.Batch;
using OrleansInference.Api.Health;
using OrleansInference.Api.KServe;
using OrleansInference.Api.Management;
using OrleansInference.Api.Predict;

namespace OrleansInference.Api;

/// <summary>Maps every public endpoint.</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>Adds the exception handler and maps the project's REST API, KServe v2, Triton extensions and health.</summary>
    public static WebApplication MapInferenceApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapPost("/api/v1/predict", PredictEndpoint.HandleAsync)
            .WithName("Predict")
            .WithSummary("Predict one row or a list of rows with a model's serving version.");
        app.MapHealthEndpoints();
        app.MapModelManagementEndpoints();
        app.MapKServeEndpoints();
        app.MapBatchJobEndpoints();
        return app;
    }
}
