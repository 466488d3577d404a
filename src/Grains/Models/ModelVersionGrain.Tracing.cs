using System.Diagnostics;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Telemetry;

namespace OrleansInference.Grains.Models;

/// <summary>
/// Tracing of calls on the version, taken only while a listener samples <see cref="ServingTracing.Source"/>: one
/// span per predict or infer, the parent of the batch that runs it (the batcher reads <see cref="Activity.Current"/>
/// when the request is queued).
/// </summary>
public sealed partial class ModelVersionGrain
{
    private async ValueTask<PredictResult> PredictTracedAsync(PredictRequest request, CancellationToken cancellationToken)
    {
        using var activity = StartCallActivity("predict");
        var result = await PredictUntracedAsync(request, cancellationToken);
        activity?.SetTag("oi.rows", request.RowCount);
        activity?.SetTag("oi.cached", result.Cached);
        EndCallActivity(activity, result.Status, result.Error);
        return result;
    }

    private async ValueTask<InferenceResult> InferTracedAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        using var activity = StartCallActivity("infer");
        var result = await InferUntracedAsync(request, cancellationToken);
        EndCallActivity(activity, result.Status, result.Error);
        return result;
    }

    private Activity? StartCallActivity(string operation)
    {
        var activity = ServingTracing.Source.StartActivity(ServingTracing.VersionCallName);
        if (activity is { IsAllDataRequested: true })
        {
            var (model, version) = SplitKey();
            activity.DisplayName = $"{operation} {Key}";
            activity.SetTag("oi.operation", operation);
            activity.SetTag("oi.model", model);
            activity.SetTag("oi.version", version);
        }

        return activity;
    }

    private static void EndCallActivity(Activity? activity, InferenceStatus status, string? error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("oi.status", status.ToString());
        if (status != InferenceStatus.Ok)
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }
}
