using Microsoft.Extensions.Options;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Api.Grid;

/// <summary>
/// The request path's calls into the grid. Where this process hosts the silo that owns a model's router or a loaded
/// version, the call goes straight to what that grain activation published (no grain message, no copy); otherwise it is
/// a grain call, and pooled request buffers are copied into arrays of their own first, since a grain call may copy or
/// serialize its arguments after the caller has moved on.
/// </summary>
internal sealed class GridCalls
{
    private readonly IGrainFactory _grains;
    private readonly ILocalServingDirectory? _local;

    public GridCalls(IGrainFactory grains, IOptions<ApiOptions> options, ILocalServingDirectory? local = null)
    {
        _grains = grains;
        _local = options.Value.LocalShortcuts ? local : null;
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
            : _grains.GetGrain<IModelVersionGrain>(versionKey).InferAsync(request with { Inputs = [.. request.Inputs.Select(Owned)] }, cancellationToken);

    private static NamedTensor Owned(NamedTensor tensor) => tensor.DataType == TensorDataType.String
        ? new NamedTensor(tensor.Name, tensor.Shape, tensor.Strings!)
        : new NamedTensor(tensor.Name, tensor.DataType, tensor.Shape, tensor.Data.ToArray());
}
