using Orleans.Runtime;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// The request path's calls into the grid, for every caller (the API, batch chunks, shadow traffic). Where this
/// process hosts the silo whose grain activation owns a model's router or a loaded version, the call goes straight to
/// what that activation published in the <see cref="ILocalServingDirectory"/> (no grain message, no copy); otherwise it
/// is a grain call, and pooled request buffers are first copied into arrays of their own, since a grain call may copy
/// or serialize its arguments after the caller has moved on. On a pure cluster client a version's calls go to one of
/// its replicas (<see cref="ReplicaRouter"/>), so every silo of its replica set takes a share.
/// </summary>
public sealed class GridCalls
{
    /// <summary>
    /// How long a grain call on the request path may take before the caller gives up with a
    /// <see cref="TimeoutException"/> (a 503 with Retry-After): well past a warm call, short of Orleans' 30 s response
    /// timeout, which is what a call to a silo that just died would otherwise wait.
    /// </summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly ILocalServingDirectory? _local;
    private readonly ReplicaRouter? _replicas;
    private readonly TimeSpan _callTimeout;

    /// <param name="grains">The silo's or the cluster client's grain factory.</param>
    /// <param name="local">The silo's directory; null on a pure cluster client, or to send every call as a grain message.</param>
    /// <param name="callTimeout">The bound on one grain call; <see cref="DefaultCallTimeout"/> when null.</param>
    /// <param name="replicas">
    /// On a pure cluster client: spreads each version's calls over its replica set (<see cref="IModelReplicaGrain"/>).
    /// Null (a silo, the embedded default): calls go to the version's stateless worker on the calling silo.
    /// </param>
    public GridCalls(IGrainFactory grains, ILocalServingDirectory? local, TimeSpan? callTimeout = null, ReplicaRouter? replicas = null)
    {
        _grains = grains;
        _local = local;
        _replicas = replicas;
        _callTimeout = callTimeout ?? DefaultCallTimeout;
    }

    /// <summary>Picks the version of <paramref name="model"/> for one request.</summary>
    public ValueTask<VersionRoute> ResolveAsync(string model, string? requestedVersion, string? userId, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetRouter(model, out var router)
            ? router.ResolveAsync(requestedVersion, userId, cancellationToken)
            : ResolveRemoteAsync(model, requestedVersion, userId, cancellationToken);

    /// <summary>Predicts on version <paramref name="versionKey"/>; <paramref name="request"/> may hold pooled rows.</summary>
    public ValueTask<PredictResult> PredictAsync(string versionKey, PredictRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.PredictAsync(request, cancellationToken)
            : PredictRemoteAsync(versionKey, request, cancellationToken);

    /// <summary>The answer version <paramref name="versionKey"/>'s result cache holds for these rows, or null; runs no model.</summary>
    public ValueTask<PredictResult?> GetCachedPredictionAsync(string versionKey, PredictRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.GetCachedPredictionAsync(request, cancellationToken)
            : GetCachedPredictionRemoteAsync(versionKey, request, cancellationToken);

    /// <summary>Runs version <paramref name="versionKey"/> on raw tensors; <paramref name="request"/>'s tensors may hold pooled data.</summary>
    public ValueTask<InferenceResult> InferAsync(string versionKey, InferenceRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.InferAsync(request, cancellationToken)
            : InferRemoteAsync(versionKey, request, cancellationToken);

    /// <summary>
    /// Generates text on version <paramref name="versionKey"/>; the events arrive as the version produces them. Over a
    /// grain call, a stream that stays silent past the call bound (the grain sends <see cref="GenerationEventKind.Alive"/>
    /// every <see cref="GenerationEvent.AliveInterval"/> while it waits) or whose silo fails ends with an
    /// <see cref="InferenceStatus.Unavailable"/> error event instead of waiting for Orleans' response timeout; its events
    /// are read ahead of the caller, a bounded number at most (<see cref="RemoteGenerationStream"/>).
    /// </summary>
    public IAsyncEnumerable<GenerationEvent> GenerateAsync(string versionKey, GenerateRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.GenerateAsync(request, cancellationToken)
            : GenerateRemoteAsync(versionKey, request, cancellationToken);

    /// <summary>Embeds texts on version <paramref name="versionKey"/>.</summary>
    public ValueTask<EmbedResult> EmbedAsync(string versionKey, EmbedRequest request, CancellationToken cancellationToken) =>
        _local is not null && _local.TryGetVersion(versionKey, out var version)
            ? version.EmbedAsync(request, cancellationToken)
            : EmbedRemoteAsync(versionKey, request, cancellationToken);

    // The grain calls live in methods of their own: a lambda capturing a parameter makes the compiler allocate its
    // closure on entry to the method that declares the parameter, so the local shortcut would pay for it too.
    private ValueTask<VersionRoute> ResolveRemoteAsync(string model, string? requestedVersion, string? userId, CancellationToken cancellationToken) =>
        _replicas is null
            ? BoundedAsync(ct => _grains.GetGrain<IModelGrain>(model).ResolveAsync(requestedVersion, userId, ct), cancellationToken)
            : ResolveNotingReplicasAsync(model, requestedVersion, userId, cancellationToken);

    private ValueTask<PredictResult> PredictRemoteAsync(string versionKey, PredictRequest request, CancellationToken cancellationToken) =>
        BoundedAsync(ct => Serving(versionKey).PredictAsync(request with { Features = request.Features.ToArray() }, ct), cancellationToken);

    private ValueTask<PredictResult?> GetCachedPredictionRemoteAsync(string versionKey, PredictRequest request, CancellationToken cancellationToken) =>
        BoundedAsync(ct => Serving(versionKey).GetCachedPredictionAsync(request with { Features = request.Features.ToArray() }, ct), cancellationToken);

    private ValueTask<InferenceResult> InferRemoteAsync(string versionKey, InferenceRequest request, CancellationToken cancellationToken) =>
        BoundedAsync(ct => Serving(versionKey).InferAsync(request with { Inputs = [.. request.Inputs.Select(static t => t.ToOwned())] }, ct), cancellationToken);

    private ValueTask<EmbedResult> EmbedRemoteAsync(string versionKey, EmbedRequest request, CancellationToken cancellationToken) =>
        BoundedAsync(ct => Serving(versionKey).EmbedAsync(request, ct), cancellationToken);

    private IAsyncEnumerable<GenerationEvent> GenerateRemoteAsync(string versionKey, GenerateRequest request, CancellationToken cancellationToken) =>
        RemoteGenerationStream.ReadAsync(ct => Serving(versionKey).GenerateAsync(request, ct), versionKey, _callTimeout, _replicas is null ? null : _replicas.RefreshSoon, cancellationToken);

    /// <summary>
    /// Who serves a version's calls from here: on a pure cluster client one of its replicas (<see cref="ReplicaRouter"/>);
    /// otherwise the version's owner, a stateless worker on the silo that receives the call.
    /// </summary>
    private IModelVersionServing Serving(string versionKey) =>
        _replicas?.Pick(versionKey) is { } replica
            ? _grains.GetGrain<IModelReplicaGrain>(replica)
            : _grains.GetGrain<IModelVersionGrain>(versionKey);

    /// <summary>
    /// Failures of the cluster rather than the request: a silo that died or left mid-call, a gateway connection that
    /// broke, a call the runtime rejected or timed out, the state store (Redis in cluster mode) out of reach. The caller
    /// may retry at once (a 503 with Retry-After).
    /// </summary>
    public static bool IsGridUnavailable(Exception exception) => exception is
        SiloUnavailableException or
        OrleansMessageRejectionException or
        Orleans.Runtime.Messaging.ConnectionFailedException or
        GatewayTooBusyException or
        StateStoreUnavailableException or
        TimeoutException;

    private async ValueTask<VersionRoute> ResolveNotingReplicasAsync(string model, string? requestedVersion, string? userId, CancellationToken cancellationToken)
    {
        var route = await BoundedAsync(ct => _grains.GetGrain<IModelGrain>(model).ResolveAsync(requestedVersion, userId, ct), cancellationToken);
        if (route.Version is { } version)
        {
            _replicas!.Remember(model + "/" + version, route.Replicas);
        }

        return route;
    }

    /// <summary>
    /// Runs a grain call under <see cref="DefaultCallTimeout"/> (or the configured bound); its expiry is a
    /// <see cref="TimeoutException"/>. A failure of the cluster has a replica router read the silo list again at once.
    /// </summary>
    private async ValueTask<T> BoundedAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_callTimeout);
        try
        {
            return await call(bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _replicas?.RefreshSoon();
            throw new TimeoutException($"The grid did not answer within {_callTimeout.TotalSeconds:0.#} s (a silo may have left the cluster); retry shortly.");
        }
        catch (Exception ex) when (_replicas is not null && IsGridUnavailable(ex))
        {
            _replicas.RefreshSoon();
            throw;
        }
    }
}
