using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// The request path's calls into the grid, for every caller (the API, batch chunks, shadow traffic). Where this
/// process hosts the silo whose grain activation owns a model's router or a loaded version, the call goes straight to
/// what that activation published in the <see cref="ILocalServingDirectory"/> (no grain message, no copy); otherwise it
/// is a grain call, and pooled request buffers are first copied into arrays of their own, since a grain call may copy
/// or serialize its arguments after the caller has moved on.
/// </summary>
public sealed class GridCalls
{
    private readonly IGrainFactory _grains;
    private readonly ILocalServingDirectory? _local;

    /// <param name="grains">The silo's or the cluster client's grain factory.</param>
    /// <param name="local">The silo's directory; null on a pure cluster client, or to send every call as a grain message.</param>
    public GridCalls(IGrainFactory grains, ILocalServingDirectory? local)
    {
        _grains = grains;
        _local = local;
    }

    /// <summary>Picks the version of <paramref name="model"/> for one request.</summary>
    public ValueTask<VersionRoute> ResolveAsync(string model, string? requestedVersion, string? userId, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetRouter(model, out var router)
            ? router.ResolveAsync(requestedVersion, userId, cancellationToken)
            : _grains.GetGrain<IModelGrain>(model).ResolveAsync(requestedVersion, userId, cancellationToken);

    /// <summary>Predicts on version <paramref name="versionKey"/>; <paramref name="request"/> may hold pooled rows.</summary>
    public ValueTask<PredictResult> PredictAsync(string versionKey, PredictRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.PredictAsync(request, cancellationToken)
            : _grains.GetGrain<IModelVersionGrain>(versionKey).PredictAsync(request with { Features = request.Features.ToArray() }, cancellationToken);

    /// <summary>Runs version <paramref name="versionKey"/> on raw tensors; <paramref name="request"/>'s tensors may hold pooled data.</summary>
    public ValueTask<InferenceResult> InferAsync(string versionKey, InferenceRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.InferAsync(request, cancellationToken)
            : _grains.GetGrain<IModelVersionGrain>(versionKey).InferAsync(request with { Inputs = [.. request.Inputs.Select(static t => t.ToOwned())] }, cancellationToken);

    /// <summary>Generates text on version <paramref name="versionKey"/>; the events arrive as the version produces them.</summary>
    public IAsyncEnumerable<GenerationEvent> GenerateAsync(string versionKey, GenerateRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.GenerateAsync(request, cancellationToken)
            : _grains.GetGrain<IModelVersionGrain>(versionKey).GenerateAsync(request, cancellationToken);

    /// <summary>Embeds texts on version <paramref name="versionKey"/>.</summary>
    public ValueTask<EmbedResult> EmbedAsync(string versionKey, EmbedRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.EmbedAsync(request, cancellationToken)
            : _grains.GetGrain<IModelVersionGrain>(versionKey).EmbedAsync(request, cancellationToken);
}
