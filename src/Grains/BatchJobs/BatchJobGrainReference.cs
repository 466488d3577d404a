using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Grains.Hosting;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Calls <see cref="IBatchJobGrain"/> through the grain host; status reads interleave, start and cancel take turns.</summary>
internal sealed class BatchJobGrainReference(GrainReference<BatchJobGrain> reference) : IBatchJobGrain
{
    public Task<BatchJobStatus?> StartAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.StartAsync(ct), interleave: false, cancellationToken);

    public Task<BatchJobStatus?> GetStatusAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.GetStatusAsync(ct), interleave: true, cancellationToken);

    public Task<BatchJobStatus?> CancelAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.CancelAsync(ct), interleave: false, cancellationToken);

    public override string ToString() => reference.ToString();
}
