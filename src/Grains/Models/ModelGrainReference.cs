using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Hosting;

namespace OrleansInference.Grains.Models;

/// <summary>Calls <see cref="IModelGrain"/> through the grain host; routing and reads interleave, changes take turns.</summary>
internal sealed class ModelGrainReference(GrainReference<ModelGrain> reference) : IModelGrain
{
    public ValueTask<VersionRoute> ResolveAsync(string? requestedVersion, string? userId, CancellationToken cancellationToken) =>
        reference.InvokeAsync((requestedVersion, userId), static (g, s, ct) => g.ResolveAsync(s.requestedVersion, s.userId, ct), interleave: true, cancellationToken);

    public Task<ModelDeploymentInfo> DeployAsync(string version, int trafficPercentage, CancellationToken cancellationToken) =>
        reference.InvokeAsync((version, trafficPercentage), static (g, s, ct) => g.DeployAsync(s.version, s.trafficPercentage, ct), interleave: false, cancellationToken);

    public Task<ModelDeploymentInfo?> GetDeploymentAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.GetDeploymentAsync(ct), interleave: true, cancellationToken);

    public Task RefreshAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.RefreshAsync(ct), interleave: false, cancellationToken);

    public Task<IReadOnlyList<ModelVersionStatus>> LoadAsync(string? version, CancellationToken cancellationToken) =>
        reference.InvokeAsync(version, static (g, v, ct) => g.LoadAsync(v, ct), interleave: false, cancellationToken);

    public Task<IReadOnlyList<ModelVersionStatus>> UnloadAsync(string? version, CancellationToken cancellationToken) =>
        reference.InvokeAsync(version, static (g, v, ct) => g.UnloadAsync(v, ct), interleave: false, cancellationToken);

    public Task<IReadOnlyList<ModelVersionStatus>> GetServingStatusAsync(CancellationToken cancellationToken) =>
        reference.InvokeAsync(0, static (g, _, ct) => g.GetServingStatusAsync(ct), interleave: true, cancellationToken);

    public override string ToString() => reference.ToString();
}
