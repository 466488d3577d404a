using OrleansInference.Api.Security;

namespace OrleansInference.Api.Health;

/// <summary><c>/health</c> (the process is alive) and <c>/ready</c> (the node can take traffic; see <see cref="GridReadiness"/>).</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Ok(new HealthReport("alive", null, null))).RequireAccess(ApiAccess.Anonymous);
        app.MapGet("/ready", async (GridReadiness readiness, CancellationToken cancellationToken) =>
        {
            var report = await readiness.CheckAsync(cancellationToken);
            return report.Ready
                ? Results.Ok(new HealthReport(report.Degraded.Count == 0 ? "ready" : "ready, degraded", null, report.Degraded.Count == 0 ? null : report.Degraded))
                : Results.Json(new HealthReport("not ready", report.NotReady, null), statusCode: StatusCodes.Status503ServiceUnavailable);
        }).RequireAccess(ApiAccess.Anonymous);
    }

    private sealed record HealthReport(string Status, IReadOnlyList<string>? NotReady, IReadOnlyList<string>? Degraded);
}
