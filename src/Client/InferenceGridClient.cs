using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Client;

/// <summary>
/// Typed calls into the grid for .NET services: predictions and raw inference routed like the server routes them, a
/// version's status, experiments and batch jobs. Registered as a singleton by
/// <see cref="InferenceClientHostingExtensions.AddInferenceClient"/>; safe to use from any thread once the host started.
/// </summary>
/// <remarks>
/// Input the caller or the model rejects throws <see cref="ArgumentException"/> naming what was wrong. Every other
/// outcome of a prediction (no such model or version, queue full, version unavailable, deadline) comes back as the
/// result's <see cref="PredictResult.Status"/> with its <see cref="PredictResult.Error"/>.
/// </remarks>
public sealed class InferenceGridClient
{
    private readonly IGrainFactory _grains;
    private readonly GridCalls _grid;

    /// <summary>Creates the facade over a connected cluster client's grain factory.</summary>
    /// <param name="grains">The cluster client's grain factory.</param>
    /// <param name="replicas">Spreads each version's calls over its replica set; null: every call of a version goes to one silo.</param>
    public InferenceGridClient(IGrainFactory grains, ReplicaRouter? replicas = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _grains = grains;
        _grid = new GridCalls(grains, local: null, replicas: replicas);
    }

    /// <summary>
    /// Predicts one row of raw feature values (in the model's feature order, not standardized). The version is
    /// <paramref name="version"/> when given, otherwise the one the model's deployment picks for <paramref name="userId"/>.
    /// </summary>
    /// <param name="model">The model's name, for example <c>breast-cancer</c>.</param>
    /// <param name="row">One row of feature values.</param>
    /// <param name="version">A version to call; null lets the deployment decide.</param>
    /// <param name="userId">Keeps a user on one version while traffic is split; null picks per request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The prediction of the row, or the status that prevented it.</returns>
    /// <exception cref="ArgumentException">The model name, version or row is malformed, or the model rejected the row.</exception>
    public Task<PredictResult> PredictAsync(string model, float[] row, string? version = null, string? userId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return PredictAsync(model, [row], version, userId, cancellationToken);
    }

    /// <summary>
    /// Predicts rows of raw feature values (each in the model's feature order, not standardized) in one request. The
    /// version is <paramref name="version"/> when given, otherwise the one the model's deployment picks for
    /// <paramref name="userId"/>.
    /// </summary>
    /// <param name="model">The model's name, for example <c>breast-cancer</c>.</param>
    /// <param name="rows">The rows; every row has the same number of values.</param>
    /// <param name="version">A version to call; null lets the deployment decide.</param>
    /// <param name="userId">Keeps a user on one version while traffic is split; null picks per request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One prediction per row in input order, or the status that prevented them.</returns>
    /// <exception cref="ArgumentException">The model name, version or rows are malformed, or the model rejected the rows.</exception>
    public async Task<PredictResult> PredictAsync(string model, float[][] rows, string? version = null, string? userId = null, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidModel(model);
        GrainKeys.ThrowIfInvalidVersion(version);
        var features = FeatureRows.Flatten(rows, out var columns);
        var route = await _grid.ResolveAsync(model, version, userId, cancellationToken);
        if (!route.Found)
        {
            var (status, error) = Unrouted(route, model);
            return new PredictResult(status, model, version ?? "", Error: error, RetryAfter: route.RetryAfter);
        }

        var request = new PredictRequest(features, rows.Length, columns);
        var result = await _grid.PredictAsync(GrainKeys.Version(model, route.Version!), request, cancellationToken);
        if (result.Status == InferenceStatus.InvalidInput)
        {
            throw new ArgumentException(result.Error ?? $"Model '{model}/{route.Version}' rejected the rows.", nameof(rows));
        }

        return result;
    }

    /// <summary>
    /// Runs a model on raw tensors (KServe v2 semantics: no preprocessing or postprocessing; inputs are already
    /// standardized). The version is <paramref name="version"/> when given, otherwise the one the deployment picks.
    /// </summary>
    /// <param name="model">The model's name.</param>
    /// <param name="version">A version to call; null lets the deployment decide.</param>
    /// <param name="inputs">The model's input tensors by name; the outermost dimension is the batch.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Every output of the model, or the status that prevented them.</returns>
    /// <exception cref="ArgumentException">The model name, version or inputs are malformed, or the model rejected the inputs.</exception>
    public async Task<InferenceResult> InferAsync(string model, string? version, IReadOnlyList<NamedTensor> inputs, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidModel(model);
        GrainKeys.ThrowIfInvalidVersion(version);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("No input tensors were given; pass every input the model declares.", nameof(inputs));
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentException($"Input tensor {i} is null.", nameof(inputs));
            }
        }

        var route = await _grid.ResolveAsync(model, version, null, cancellationToken);
        if (!route.Found)
        {
            var (status, error) = Unrouted(route, model);
            return new InferenceResult(status, model, version ?? "", Error: error, RetryAfter: route.RetryAfter);
        }

        var result = await _grid.InferAsync(GrainKeys.Version(model, route.Version!), new InferenceRequest(null, inputs), cancellationToken);
        if (result.Status == InferenceStatus.InvalidInput)
        {
            throw new ArgumentException(result.Error ?? $"Model '{model}/{route.Version}' rejected the inputs.", nameof(inputs));
        }

        return result;
    }

    /// <summary>
    /// Generates text with a generative model, yielding each token as the model produces it, then one
    /// <see cref="GenerationEventKind.Done"/> event with the finish reason and token usage. A request the grid cannot
    /// take now (queue full, version unavailable) yields one <see cref="GenerationEventKind.Error"/> event with its
    /// status and retry delay. Stopping the enumeration (or cancelling) takes the sequence out of the model's batch.
    /// </summary>
    /// <param name="model">The model's name, for example <c>kjv-gpt</c>.</param>
    /// <param name="request">The prompt and how to sample.</param>
    /// <param name="version">A version to call; null lets the deployment decide.</param>
    /// <param name="cancellationToken">Cancels the generation.</param>
    /// <exception cref="ArgumentException">The model name or version is malformed, or the model rejected the request.</exception>
    public async IAsyncEnumerable<GenerationEvent> GenerateAsync(
        string model, GenerateRequest request, string? version = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidModel(model);
        GrainKeys.ThrowIfInvalidVersion(version);
        ArgumentNullException.ThrowIfNull(request);
        var route = await _grid.ResolveAsync(model, version, null, cancellationToken);
        if (!route.Found)
        {
            var (status, error) = Unrouted(route, model);
            yield return GenerationEvent.Failed(status, error, route.RetryAfter);
            yield break;
        }

        await foreach (var item in _grid.GenerateAsync(GrainKeys.Version(model, route.Version!), request, cancellationToken).WithCancellation(cancellationToken))
        {
            if (item is { Kind: GenerationEventKind.Error, Status: InferenceStatus.InvalidInput })
            {
                throw new ArgumentException(item.Error ?? $"Model '{model}/{route.Version}' rejected the request.", nameof(request));
            }

            yield return item;
        }
    }

    /// <summary>Embeds texts with an embedding model; one embedding per text, in input order.</summary>
    /// <param name="model">The model's name, for example <c>kjv-embed</c>.</param>
    /// <param name="texts">The texts.</param>
    /// <param name="normalize">Scale each embedding to unit length.</param>
    /// <param name="version">A version to call; null lets the deployment decide.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The model name or version is malformed, or the model rejected a text.</exception>
    public async Task<EmbedResult> EmbedAsync(string model, IReadOnlyList<string> texts, bool normalize = true, string? version = null, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidModel(model);
        GrainKeys.ThrowIfInvalidVersion(version);
        ArgumentNullException.ThrowIfNull(texts);
        var route = await _grid.ResolveAsync(model, version, null, cancellationToken);
        if (!route.Found)
        {
            var (status, error) = Unrouted(route, model);
            return new EmbedResult(status, model, version ?? "", Error: error, RetryAfter: route.RetryAfter);
        }

        var result = await _grid.EmbedAsync(GrainKeys.Version(model, route.Version!), new EmbedRequest([.. texts], normalize), cancellationToken);
        return result.Status == InferenceStatus.InvalidInput
            ? throw new ArgumentException(result.Error ?? $"Model '{model}/{route.Version}' rejected the texts.", nameof(texts))
            : result;
    }

    /// <summary>The state of one model version on the silo that hosts it (Ready, Loading, Failed…); does not load it.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="version">The version, for example <c>2</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ModelVersionStatus> GetVersionStatusAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidModel(model);
        ArgumentNullException.ThrowIfNull(version);
        GrainKeys.ThrowIfInvalidVersion(version);
        return _grains.GetGrain<IModelVersionGrain>(GrainKeys.Version(model, version)).GetStatusAsync(cancellationToken);
    }

    /// <summary>An experiment's definition and state; null when no experiment has this id.</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ExperimentInfo?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidId(experimentId, nameof(experimentId));
        return _grains.GetGrain<IExperimentGrain>(experimentId).GetAsync(cancellationToken);
    }

    /// <summary>
    /// The variant (and model version) an experiment assigns to <paramref name="userId"/>, sticky per user; null when
    /// the experiment does not exist or no longer routes traffic.
    /// </summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="userId">The user; null assigns per request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<VariantAssignment?> AssignAsync(string experimentId, string? userId, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidId(experimentId, nameof(experimentId));
        return await _grains.GetGrain<IExperimentGrain>(experimentId).AssignAsync(userId, cancellationToken);
    }

    /// <summary>Per-variant metrics, shadow agreement, alerts and significance against the baseline.</summary>
    /// <param name="experimentId">The experiment's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ExperimentException">No experiment has this id (<see cref="ExperimentErrorKind.NotFound"/>).</exception>
    public Task<ExperimentMetrics> GetExperimentMetricsAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidId(experimentId, nameof(experimentId));
        return _grains.GetGrain<IExperimentGrain>(experimentId).GetMetricsAsync(cancellationToken);
    }

    /// <summary>A batch job's progress; null when no job has this id.</summary>
    /// <param name="jobId">The job's id, as the submission answered it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<BatchJobStatus?> GetBatchJobStatusAsync(string jobId, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidId(jobId, nameof(jobId));
        return _grains.GetGrain<IBatchJobGrain>(jobId).GetStatusAsync(cancellationToken);
    }

    /// <summary>
    /// Cancels a batch job: its workers stop and partial output is discarded. A finished job comes back unchanged;
    /// null when no job has this id.
    /// </summary>
    /// <param name="jobId">The job's id, as the submission answered it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<BatchJobStatus?> CancelBatchJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        GrainKeys.ThrowIfInvalidId(jobId, nameof(jobId));
        return _grains.GetGrain<IBatchJobGrain>(jobId).CancelAsync(cancellationToken);
    }

    /// <summary>Why routing found no version: Unavailable (retry later) for a version that cannot serve now, NotFound otherwise.</summary>
    private static (InferenceStatus Status, string Error) Unrouted(VersionRoute route, string model) =>
        (route.RetryAfter is null ? InferenceStatus.NotFound : InferenceStatus.Unavailable,
            route.Error ?? $"Model '{model}' has no version to serve the request.");
}
