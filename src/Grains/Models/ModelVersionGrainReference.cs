using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Hosting;

namespace OrleansInference.Grains.Models;

/// <summary>Calls <see cref="IModelVersionGrain"/> through the grain host; inference and reads interleave.</summary>
internal sealed class ModelVersionGrainReference(GrainReference<ModelVersionGrain> reference) : IModelVersionGrain
{
    public ValueTask<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken) =>
        reference.InvokeAsync(request, static (g, r, ct) => g.InferAsync(r, ct), interleave: true, cancellationToken);

    public ValueTask<PredictResult> PredictAsync(PredictRequest request, CancellationToken cancellationToken) =>
        reference.InvokeAsync(request, static (g, r, ct) => g.PredictAsync(r, ct), interleave: true, cancellationToken);

    public Task<ModelVersionStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.GetStatusAsync(ct), interleave: true, cancellationToken);

    public Task<ModelVersionStatistics> GetStatisticsAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.GetStatisticsAsync(ct), interleave: true, cancellationToken);

    public Task<DriftReport> GetDriftAsync(bool reset, CancellationToken cancellationToken) =>
        reference.InvokeAsync(reset, static (g, r, ct) => g.GetDriftAsync(r, ct), interleave: true, cancellationToken);

    public Task<ModelVersionStatus> LoadAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.LoadAsync(ct), interleave: true, cancellationToken);

    public Task<ModelVersionStatus> UnloadAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.UnloadAsync(ct), interleave: true, cancellationToken);

    public override string ToString() => reference.ToString();
}
