using OrleansInference.Grains.Batching;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Caching;
using OrleansInference.Grains.Execution;
using OrleansInference.Grains.Telemetry;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Models;

/// <summary>Inference: raw tensors (v2) and raw feature rows with pre- and postprocessing (predict).</summary>
public sealed partial class ModelVersionGrain
{
    /// <inheritdoc cref="IModelVersionServing.InferAsync"/>
    /// <remarks>
    /// As a grain call: the outputs are copied into arrays of their own and the pooled ones returned at once, since
    /// Orleans may hand the result on by reference or serialize it after this returns.
    /// </remarks>
    public async ValueTask<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var result = await InferLocalAsync(request, cancellationToken);
        if (result.Outputs is not { Count: > 0 } outputs)
        {
            return result;
        }

        var owned = new NamedTensor[outputs.Count];
        for (var i = 0; i < owned.Length; i++)
        {
            using var output = outputs[i];
            owned[i] = output.ToOwned();
        }

        return result with { Outputs = owned };
    }

    /// <inheritdoc />
    /// <remarks>The silo-local entry: outputs may hold pooled storage, returned when the caller disposes them.</remarks>
    ValueTask<InferenceResult> ILocalModelVersion.InferAsync(InferenceRequest request, CancellationToken cancellationToken) =>
        InferLocalAsync(request, cancellationToken);

    private ValueTask<InferenceResult> InferLocalAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        if (ServingTracing.Source.HasListeners())
        {
            return InferTracedAsync(request, cancellationToken);
        }

        return InferUntracedAsync(request, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<InferenceResult> InferUntracedAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var (model, version) = SplitKey();
        var runtime = await EnsureLoadedAsync(cancellationToken);
        if (runtime is null)
        {
            return new InferenceResult(InferenceStatus.Unavailable, model, version, Error: $"Model '{Key}' is not available: {_error}", RetryAfter: TimeSpan.FromSeconds(5));
        }

        if (runtime.Generator is not null)
        {
            // Its session belongs to the continuous batcher's step loop.
            return new InferenceResult(InferenceStatus.InvalidInput, model, version, Error: $"Model '{Key}' is generative; use POST /api/v1/generate or /v1/completions.");
        }

        var error = InputValidator.Validate(Key, runtime.Runner.Inputs, request.Inputs, out var ordered, out var rows);
        if (error is not null)
        {
            return new InferenceResult(InferenceStatus.InvalidInput, model, version, Error: error);
        }

        IReadOnlyList<string> outputs = runtime.AllOutputs;
        if (request.RequestedOutputs is { Count: > 0 } requested)
        {
            foreach (var name in requested)
            {
                if (Array.IndexOf(runtime.AllOutputs, name) < 0)
                {
                    return new InferenceResult(InferenceStatus.InvalidInput, model, version,
                        Error: $"Model '{Key}' has no output '{name}'; its outputs are: {string.Join(", ", runtime.AllOutputs)}.");
                }
            }

            outputs = requested;
        }

        var result = await RunAsync(runtime, new BatchRequest(ordered, rows, outputs), request.Priority, request.Deadline, cancellationToken);
        return result.Status == InferenceStatus.Ok
            ? new InferenceResult(InferenceStatus.Ok, model, version, result.Value)
            : new InferenceResult(result.Status, model, version, Error: result.Error, RetryAfter: result.RetryAfter);
    }

    /// <inheritdoc />
    /// <remarks>
    /// On a loaded version everything up to the batcher runs synchronously and one pooled state machine waits for the
    /// batch, so a request that queues (under load, most do) suspends one frame here rather than one per layer.
    /// </remarks>
    public ValueTask<PredictResult> PredictAsync(PredictRequest request, CancellationToken cancellationToken)
    {
        if (ServingTracing.Source.HasListeners())
        {
            return PredictTracedAsync(request, cancellationToken);
        }

        return PredictUntracedAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<PredictResult?> GetCachedPredictionAsync(PredictRequest request, CancellationToken cancellationToken)
    {
        // The cache is keyed by the raw rows, as PredictOnAsync fills it; a version that is not loaded holds none.
        if (Volatile.Read(ref _runtime) is not { Cache: { } cache } runtime
            || request.Columns != runtime.Entry.Vectorizer.Columns
            || request.RowCount < 1
            || request.Features.Length != request.RowCount * request.Columns)
        {
            return new((PredictResult?)null);
        }

        var (model, version) = SplitKey();
        var hit = cache.TryGet(request.Features.Span, out var rows);
        _metrics.RecordCacheLookup(model, version, hit);
        return new(hit ? new PredictResult(InferenceStatus.Ok, model, version, rows, Cached: true) : null);
    }

    private ValueTask<PredictResult> PredictUntracedAsync(PredictRequest request, CancellationToken cancellationToken) =>
        Volatile.Read(ref _runtime) is { } runtime && _state == ModelVersionState.Ready
            ? PredictOnAsync(runtime, request, observe: true, cancellationToken)
            : PredictLoadingAsync(request, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<PredictResult> PredictLoadingAsync(PredictRequest request, CancellationToken cancellationToken)
    {
        var runtime = await EnsureLoadedAsync(cancellationToken);
        if (runtime is null)
        {
            var (model, version) = SplitKey();
            return new PredictResult(InferenceStatus.Unavailable, model, version, Error: $"Model '{Key}' is not available: {_error}", RetryAfter: TimeSpan.FromSeconds(5));
        }

        return await PredictOnAsync(runtime, request, observe: true, cancellationToken);
    }

    /// <summary>
    /// Predicts on a loaded runtime: cache, preprocessing and enqueueing synchronously, then the batch's result.
    /// <paramref name="observe"/> is false for warm-up, which neither feeds drift monitoring nor fills the cache.
    /// </summary>
    private ValueTask<PredictResult> PredictOnAsync(ModelVersionRuntime runtime, PredictRequest request, bool observe, CancellationToken cancellationToken)
    {
        var (model, version) = SplitKey();
        var vectorizer = runtime.Entry.Vectorizer;
        if (request.Columns != vectorizer.Columns || request.Features.Length != request.RowCount * request.Columns || request.RowCount < 1)
        {
            return new(new PredictResult(InferenceStatus.InvalidInput, model, version,
                Error: $"Model '{Key}' expects rows of {vectorizer.Columns} features; got {request.RowCount} rows of {request.Columns}."));
        }

        if (runtime.Runner.Inputs.Count != 1 || runtime.Runner.Inputs[0].DataType != TensorDataType.Float32)
        {
            return new(new PredictResult(InferenceStatus.InvalidInput, model, version,
                Error: $"Model '{Key}' takes tensors, not feature rows; use the v2 infer endpoint."));
        }

        var cache = observe ? runtime.Cache : null;
        if (observe)
        {
            runtime.Drift?.ObserveRows(request.Features.Span, request.RowCount);
            if (cache is not null)
            {
                if (cache.TryGet(request.Features.Span, out var cached))
                {
                    _metrics.RecordCacheLookup(model, version, hit: true);
                    return new(ObservePredictions(runtime, new PredictResult(InferenceStatus.Ok, model, version, cached, Cached: true)));
                }

                if (runtime.SharedCache is { } shared)
                {
                    return PredictSharedAsync(runtime, shared, request, cancellationToken);
                }

                _metrics.RecordCacheLookup(model, version, hit: false);
            }
        }

        return EnqueuePredict(runtime, request, cache, observe, cancellationToken);
    }

    /// <summary>Runs the model on a validated request (after the cache missed) and fills <paramref name="cache"/> with a successful answer.</summary>
    private ValueTask<PredictResult> EnqueuePredict(ModelVersionRuntime runtime, PredictRequest request, PredictionCache? cache, bool observe, CancellationToken cancellationToken)
    {
        var vectorizer = runtime.Entry.Vectorizer;
        var byteLength = request.Features.Length * sizeof(float);
        var owner = PooledBytes.Rent(byteLength, out var buffer);
        var features = MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, byteLength));
        request.Features.Span.CopyTo(features);
        vectorizer.Transform(features);
        var input = new NamedTensor(vectorizer.InputName, TensorDataType.Float32, [request.RowCount, request.Columns], buffer.AsMemory(0, byteLength), owner);
        var batchRequest = new BatchRequest([input], request.RowCount, runtime.PredictOutputs);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var pending = runtime.Batcher.EnqueueAsync(batchRequest, runtime.Batchable ? request.RowCount : 1, request.Priority, request.Deadline, cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitPredictAsync(runtime, request, batchRequest, pending, started, cache, observe, cancellationToken);
        }

        var done = pending.Result;
        if (IsStale(done, runtime))
        {
            return AwaitPredictAsync(runtime, request, batchRequest, new ValueTask<BatchResult<NamedTensor[]>>(done), started, cache, observe, cancellationToken);
        }

        using (input)
        {
            return new(FinishPredict(runtime, request, done, started, cache, observe));
        }
    }

    /// <summary>
    /// A local miss with a shared cache: the shared store, else the model, once per silo for concurrent identical
    /// requests. A request that did not run the model itself (a stored answer, or another request's run) is marked cached.
    /// This caller's cancellation ends its own wait only; the shared run goes on for the others.
    /// </summary>
    private async ValueTask<PredictResult> PredictSharedAsync(ModelVersionRuntime runtime, SharedPredictionCache shared, PredictRequest request, CancellationToken cancellationToken)
    {
        var (model, version) = SplitKey();
        var flight = shared.GetOrRunAsync(
            request.Features.Span,
            features => EnqueuePredict(runtime, request with { Features = features }, cache: null, observe: false, CancellationToken.None).AsTask(),
            out var leader);
        var outcome = await flight.WaitAsync(cancellationToken);
        var result = outcome.Run is { } run && leader
            ? run
            : outcome.Run is { Status: not InferenceStatus.Ok } failed
                ? failed
                : new PredictResult(InferenceStatus.Ok, model, version, outcome.Rows, Cached: true);
        if (result.Status == InferenceStatus.Ok)
        {
            _metrics.RecordCacheLookup(model, version, hit: result.Cached);
        }

        return ObservePredictions(runtime, result);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<PredictResult> AwaitPredictAsync(
        ModelVersionRuntime runtime,
        PredictRequest request,
        BatchRequest batchRequest,
        ValueTask<BatchResult<NamedTensor[]>> pending,
        long started,
        PredictionCache? cache,
        bool observe,
        CancellationToken cancellationToken)
    {
        using var input = batchRequest.Inputs[0];
        var result = await pending;
        if (IsStale(result, runtime) && await EnsureLoadedAsync(cancellationToken) is { } reloaded)
        {
            // The version drained between routing and enqueueing (an unload or a version switch): load it again.
            result = await reloaded.Batcher.EnqueueAsync(batchRequest, reloaded.Batchable ? request.RowCount : 1, request.Priority, request.Deadline, cancellationToken);
        }

        return FinishPredict(runtime, request, result, started, cache, observe);
    }

    /// <summary>True when the batcher refused because this runtime drained while a newer one took its place.</summary>
    private bool IsStale<T>(BatchResult<T> result, ModelVersionRuntime runtime) =>
        result.Status == InferenceStatus.Unavailable && !ReferenceEquals(Volatile.Read(ref _runtime), runtime);

    /// <summary>Records the request and turns the batch's output into per-row predictions.</summary>
    private PredictResult FinishPredict(
        ModelVersionRuntime runtime, PredictRequest request, BatchResult<NamedTensor[]> result, long started, PredictionCache? cache, bool observe)
    {
        var (model, version) = SplitKey();
        Volatile.Write(ref _lastInferenceUnixMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
        _metrics.RecordRequest(runtime.Entry.Name, runtime.Entry.Version, result.Status, started);
        if (result.Status != InferenceStatus.Ok)
        {
            return new PredictResult(result.Status, model, version, Error: result.Error, RetryAfter: result.RetryAfter);
        }

        using var output = result.Value![0];
        if (output.DataType != TensorDataType.Float32)
        {
            return new PredictResult(InferenceStatus.ModelFailure, model, version,
                Error: $"Model '{Key}' output '{runtime.Entry.Postprocessor.OutputName}' is {output.DataType.ToV2Name()}; predict needs FP32.");
        }

        var scores = output.AsSpan<float>();
        var perRow = scores.Length / request.RowCount;
        var rows = new RowPrediction[request.RowCount];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = runtime.Entry.Postprocessor.Apply(scores.Slice(r * perRow, perRow));
        }

        cache?.Add(request.Features.Span, rows);
        var predicted = new PredictResult(InferenceStatus.Ok, model, version, rows);
        return observe ? ObservePredictions(runtime, predicted) : predicted;
    }

    private static PredictResult ObservePredictions(ModelVersionRuntime runtime, PredictResult result)
    {
        if (runtime.Drift is { } drift && result.Rows is { } rows)
        {
            drift.ObservePredictions(rows);
        }

        return result;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BatchResult<NamedTensor[]>> RunAsync(
        ModelVersionRuntime runtime, BatchRequest request, RequestPriority priority, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // An empty batch (0 rows) takes a slot of its own like a one-row request.
        var rows = runtime.Batchable ? Math.Max(1, checked((int)request.Rows)) : 1;
        var result = await runtime.Batcher.EnqueueAsync(request, rows, priority, deadline, cancellationToken);
        if (result.Status == InferenceStatus.Unavailable && !ReferenceEquals(Volatile.Read(ref _runtime), runtime))
        {
            // The version drained between routing and enqueueing (an unload or a version switch): load it again.
            var reloaded = await EnsureLoadedAsync(cancellationToken);
            if (reloaded is not null)
            {
                result = await reloaded.Batcher.EnqueueAsync(request, rows, priority, deadline, cancellationToken);
            }
        }

        Volatile.Write(ref _lastInferenceUnixMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
        _metrics.RecordRequest(runtime.Entry.Name, runtime.Entry.Version, result.Status, started);
        return result;
    }

    /// <summary>
    /// Runs the version's warm-up before it is ready: its feature-row samples (one FP32 input), else its own
    /// <c>warmup_inputs</c> request; either failing fails the load. Without samples, a synthetic request (zeros) runs
    /// unless turned off; a model may reject such inputs, so its failure is logged and the version serves anyway.
    /// </summary>
    private async Task WarmUpAsync(ModelVersionRuntime runtime, CancellationToken cancellationToken)
    {
        var config = runtime.Entry.Config;
        var samples = config.WarmupSamples;
        if (samples is { Count: > 0 } && runtime.Runner.Inputs.Count == 1 && runtime.Runner.Inputs[0].DataType == TensorDataType.Float32)
        {
            var columns = runtime.Entry.Vectorizer.Columns;
            var flat = new float[samples.Count * columns];
            for (var i = 0; i < samples.Count; i++)
            {
                samples[i].CopyTo(flat, i * columns);
            }

            // Once row by row (the real-time shape), once as one batch (the batched shape).
            for (var i = 0; i < samples.Count; i++)
            {
                Check(await PredictOnAsync(runtime, new PredictRequest(flat.AsMemory(i * columns, columns), 1, columns), observe: false, cancellationToken));
            }

            Check(await PredictOnAsync(runtime, new PredictRequest(flat, samples.Count, columns), observe: false, cancellationToken));
            return;
        }

        if (config.WarmupInputs is { Count: > 0 } warmupInputs)
        {
            var tensors = new NamedTensor[warmupInputs.Count];
            for (var i = 0; i < tensors.Length; i++)
            {
                if (WarmupInputConverter.TryConvert(warmupInputs[i], out var tensor) is { } problem)
                {
                    throw new InvalidOperationException($"Warm-up of '{Key}' failed: {problem}");
                }

                tensors[i] = tensor!;
            }

            var error = await RunWarmupAsync(runtime, tensors, cancellationToken);
            if (error is not null)
            {
                throw new InvalidOperationException($"Warm-up of '{Key}' with its warmup_inputs failed: {error}");
            }

            return;
        }

        if (!config.SyntheticWarmup)
        {
            return;
        }

        // No samples: zeros of one row through every input so the first real request does not pay for initialization.
        var synthetic = await RunWarmupAsync(runtime, runtime.Runner.Inputs.Select(ZeroTensor).ToArray(), cancellationToken);
        if (synthetic is not null)
        {
            Log.SyntheticWarmupFailed(_logger, Key, synthetic);
        }

        void Check(PredictResult r)
        {
            if (r.Status != InferenceStatus.Ok)
            {
                throw new InvalidOperationException($"Warm-up of '{Key}' failed: {r.Error}");
            }
        }
    }

    /// <summary>Runs one warm-up request through the batcher; null on success, otherwise the error.</summary>
    private async Task<string?> RunWarmupAsync(ModelVersionRuntime runtime, NamedTensor[] inputs, CancellationToken cancellationToken)
    {
        var invalid = InputValidator.Validate(Key, runtime.Runner.Inputs, inputs, out var ordered, out var rows);
        if (invalid is not null)
        {
            return invalid;
        }

        var result = await RunAsync(runtime, new BatchRequest(ordered, rows, runtime.AllOutputs), RequestPriority.RealTime, null, cancellationToken);
        if (result.Value is { } outputs)
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }

        return result.Status == InferenceStatus.Ok ? null : result.Error;
    }

    private static NamedTensor ZeroTensor(ModelTensorInfo info)
    {
        var shape = info.Shape.Select(d => d < 0 ? 1L : d).ToArray();
        var count = checked((int)ShapeMath.ElementCount(shape));
        return info.DataType == TensorDataType.String
            ? new NamedTensor(info.Name, shape, Enumerable.Repeat(string.Empty, count).ToArray())
            : new NamedTensor(info.Name, info.DataType, shape, new byte[count * info.DataType.ElementSize()]);
    }
}
