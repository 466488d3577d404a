using Orleans;
using OrleansInference.Api.Http;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Api.Experiments;

/// <summary>
/// The experiments API under <c>/api/v1/experiments</c>: create, list, get, update weights and overrides, ramp a
/// canary, promote, abort, events, metrics and assignment look-ups; and <c>POST /api/v1/feedback</c>.
/// </summary>
internal static class ExperimentEndpoints
{
    public static void MapExperimentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments").WithTags("Experiments");
        group.MapPost("/", CreateAsync).WithSummary("Creates an experiment on a model: weighted variants (one baseline), overrides, optional shadow version.")
            .RequireAccess(ApiAccess.Admin);
        group.MapGet("/", ListAsync).WithSummary("Lists experiments, optionally of one model (?model=).");
        group.MapGet("/{id}", GetAsync).WithSummary("One experiment.");
        group.MapPatch("/{id}", UpdateAsync).WithSummary("Changes weights and per-user overrides.")
            .RequireAccess(ApiAccess.Admin);
        group.MapPost("/{id}/ramp", RampAsync).WithSummary("Starts a canary ramp of one variant with guardrails.")
            .RequireAccess(ApiAccess.Admin);
        group.MapPost("/{id}/promote", PromoteAsync).WithSummary("Deploys a variant (the canary by default) to all traffic and ends the experiment.")
            .RequireAccess(ApiAccess.Admin);
        group.MapPost("/{id}/abort", AbortAsync).WithSummary("Ends the experiment; the model's deployment serves all traffic.")
            .RequireAccess(ApiAccess.Admin);
        group.MapGet("/{id}/events", EventsAsync).WithSummary("The experiment's history, with the evidence of every rollback.");
        group.MapGet("/{id}/metrics", MetricsAsync).WithSummary("Per-variant metrics, shadow agreement, rollback alerts and significance.");
        group.MapGet("/{id}/assignments/{userId}", AssignAsync).WithSummary("The variant a user gets.");
        app.MapPost("/api/v1/feedback", FeedbackEndpoint.HandleAsync).WithTags("Experiments")
            .WithSummary("Joins a true label or a reward to a prediction an experiment routed.");
    }

    private static Task<IResult> CreateAsync(HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        var (body, error) = await ExperimentBody.ReadAsync<CreateExperimentRequest>(request, required: true, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var variants = new List<VariantDefinition>();
        for (var i = 0; i < (body!.Variants?.Count ?? 0); i++)
        {
            var v = body.Variants![i];
            if (v?.Weight is null)
            {
                return Problems.BadRequest($"'variants[{i}].weight' is required: the variant's percentage of users, 0 to 100.");
            }

            variants.Add(new VariantDefinition(v.Name ?? string.Empty, v.Version ?? string.Empty, v.Weight.Value, v.Baseline ?? false));
        }

        var id = body.Id ?? "exp-" + Guid.NewGuid().ToString("N")[..12];
        var definition = new ExperimentDefinition(id, body.Model ?? string.Empty, variants, body.Overrides, body.ShadowVersion, body.PlannedSampleSize ?? 1000);
        ExperimentValidatorGate.CheckId(id);
        var info = await grains.GetGrain<IExperimentGrain>(id).CreateAsync(definition, cancellationToken);
        return Results.Json(info, ExperimentJson.Options, statusCode: StatusCodes.Status201Created);
    });

    private static async Task<IResult> ListAsync(string? model, IGrainFactory grains, CancellationToken cancellationToken) =>
        ExperimentJson.Ok(new { experiments = await grains.GetGrain<IExperimentIndexGrain>(0).ListAsync(model, cancellationToken) });

    private static Task<IResult> GetAsync(string id, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
        ExperimentJson.Ok(await RequireAsync(grains, id, cancellationToken)));

    private static Task<IResult> UpdateAsync(string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        var (body, error) = await ExperimentBody.ReadAsync<UpdateExperimentRequest>(request, required: true, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body!.Weights is null && body.Overrides is null && body.ShadowVersion is null)
        {
            return Problems.BadRequest("The body needs 'weights' (variant name to percentage), 'overrides' (user id to variant name, null to remove) or 'shadow_version' (\"\" stops shadowing).");
        }

        await RequireAsync(grains, id, cancellationToken);
        return ExperimentJson.Ok(await grains.GetGrain<IExperimentGrain>(id).UpdateAsync(new ExperimentUpdate(body.Weights, body.Overrides, body.ShadowVersion), cancellationToken));
    });

    private static Task<IResult> RampAsync(string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        var (body, error) = await ExperimentBody.ReadAsync<RampRequest>(request, required: true, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (string.IsNullOrEmpty(body!.Variant))
        {
            return Problems.BadRequest("'variant' is required: the candidate variant to ramp.");
        }

        if (body.StepDurationSeconds is not { } seconds || !double.IsFinite(seconds))
        {
            return Problems.BadRequest("'step_duration_seconds' is required: how long each step lasts, in seconds.");
        }

        var defaults = new Guardrails();
        var g = body.Guardrails;
        var guardrails = new Guardrails(
            g?.MaxErrorRateIncrease ?? defaults.MaxErrorRateIncrease, g?.MaxP99LatencyMs, g?.MaxP99Ratio, g?.MinSamples ?? defaults.MinSamples);
        var duration = seconds is > 0 and <= 30 * 86_400 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
        await RequireAsync(grains, id, cancellationToken);
        var plan = new RampPlan(body.Variant, body.Steps ?? [], duration, guardrails);
        return ExperimentJson.Ok(await grains.GetGrain<IExperimentGrain>(id).StartRampAsync(plan, cancellationToken));
    });

    private static Task<IResult> PromoteAsync(string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        var (body, error) = await ExperimentBody.ReadAsync<EndExperimentRequest>(request, required: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        await RequireAsync(grains, id, cancellationToken);
        return ExperimentJson.Ok(await grains.GetGrain<IExperimentGrain>(id).PromoteAsync(body?.Variant, cancellationToken));
    });

    private static Task<IResult> AbortAsync(string id, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        var (body, error) = await ExperimentBody.ReadAsync<EndExperimentRequest>(request, required: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        await RequireAsync(grains, id, cancellationToken);
        return ExperimentJson.Ok(await grains.GetGrain<IExperimentGrain>(id).AbortAsync(body?.Reason, cancellationToken));
    });

    private static Task<IResult> EventsAsync(string id, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        await RequireAsync(grains, id, cancellationToken);
        return ExperimentJson.Ok(new { events = await grains.GetGrain<IExperimentGrain>(id).GetEventsAsync(cancellationToken) });
    });

    private static Task<IResult> MetricsAsync(string id, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        await RequireAsync(grains, id, cancellationToken);
        return ExperimentJson.Ok(await grains.GetGrain<IExperimentGrain>(id).GetMetricsAsync(cancellationToken));
    });

    private static Task<IResult> AssignAsync(string id, string userId, IGrainFactory grains, CancellationToken cancellationToken) => ExperimentBody.CallAsync(async () =>
    {
        var info = await RequireAsync(grains, id, cancellationToken);
        var assignment = await grains.GetGrain<IExperimentGrain>(id).AssignAsync(userId, cancellationToken);
        return assignment is null
            ? Problems.Conflict($"Experiment '{id}' has ended ({info.State}) and assigns no variants.")
            : ExperimentJson.Ok(new { experiment = id, user_id = userId, variant = assignment.Variant, version = assignment.Version });
    });

    private static async Task<ExperimentInfo> RequireAsync(IGrainFactory grains, string id, CancellationToken cancellationToken)
    {
        ExperimentValidatorGate.CheckId(id, fromPath: true);
        return await grains.GetGrain<IExperimentGrain>(id).GetAsync(cancellationToken)
            ?? throw new ExperimentException(ExperimentErrorKind.NotFound, $"Experiment '{id}' does not exist.");
    }
}
