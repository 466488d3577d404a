using System.Runtime.CompilerServices;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Grains.Models;

/// <summary>Text: generation through the version's continuous batcher, embeddings through its dynamic batcher.</summary>
public sealed partial class ModelVersionGrain
{
    /// <inheritdoc cref="IModelVersionServing.GenerateAsync"/>
    /// <remarks>
    /// Never cached: every request samples afresh (with its seed when given). This is the grain call, which serves
    /// callers on other processes: while the request waits for a slot it says so every
    /// <see cref="GenerationEvent.AliveInterval"/>, so that the caller can tell the wait from a dead silo. A silo-local
    /// caller goes through <see cref="ILocalModelVersion.GenerateAsync"/>, which sends no such events.
    /// </remarks>
    public async IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = GenerateLocalAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        Task<bool>? pending = null;
        try
        {
            while (true)
            {
                pending = events.MoveNextAsync().AsTask();
                while (!await CompletesWithinAsync(pending, GenerationEvent.AliveInterval))
                {
                    yield return GenerationEvent.Alive;
                }

                if (!await pending)
                {
                    yield break;
                }

                yield return events.Current;
            }
        }
        finally
        {
            // Left at a yield (the caller went away): the cancelled token ends the pending step, which must finish
            // before the generator may be disposed.
            if (pending is { IsCompleted: false })
            {
                await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            await events.DisposeAsync();
        }
    }

    /// <inheritdoc />
    IAsyncEnumerable<GenerationEvent> ILocalModelVersion.GenerateAsync(GenerateRequest request, CancellationToken cancellationToken) =>
        GenerateLocalAsync(request, cancellationToken);

    private async IAsyncEnumerable<GenerationEvent> GenerateLocalAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var runtime = await EnsureLoadedAsync(cancellationToken);
        if (runtime is null)
        {
            yield return GenerationEvent.Failed(InferenceStatus.Unavailable, $"Model '{Key}' is not available: {_error}", TimeSpan.FromSeconds(5));
            yield break;
        }

        if (runtime.Generator is not { } generator)
        {
            yield return GenerationEvent.Failed(InferenceStatus.InvalidInput, $"Model '{Key}' does not generate text; pick a generative model (see GET /v1/models).");
            yield break;
        }

        Volatile.Write(ref _lastInferenceUnixMs, _time.GetUtcNow().ToUnixTimeMilliseconds());
        await foreach (var item in generator.GenerateAsync(request, cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>Whether <paramref name="task"/> completes within <paramref name="interval"/> (its own failure is thrown by the caller's await).</summary>
    private static async ValueTask<bool> CompletesWithinAsync(Task task, TimeSpan interval)
    {
        if (task.IsCompleted)
        {
            return true;
        }

        try
        {
            await task.WaitAsync(interval);
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch
        {
            // The task failed or was cancelled: the caller's await of it throws.
        }

        return true;
    }

    /// <inheritdoc />
    public async ValueTask<EmbedResult> EmbedAsync(EmbedRequest request, CancellationToken cancellationToken)
    {
        var (model, version) = SplitKey();
        var runtime = await EnsureLoadedAsync(cancellationToken);
        if (runtime is null)
        {
            return new EmbedResult(InferenceStatus.Unavailable, model, version, Error: $"Model '{Key}' is not available: {_error}", RetryAfter: TimeSpan.FromSeconds(5));
        }

        if (runtime.Embedder is not { } embedder)
        {
            return new EmbedResult(InferenceStatus.InvalidInput, model, version, Error: $"Model '{Key}' does not embed text; pick an embedding model (see GET /v1/models).");
        }

        if (request.Inputs is not { Count: > 0 })
        {
            return new EmbedResult(InferenceStatus.InvalidInput, model, version, Error: "'inputs' needs at least one text.");
        }

        var inputs = embedder.Encode(request.Inputs, out var tokens, out var error);
        if (inputs is null)
        {
            return new EmbedResult(InferenceStatus.InvalidInput, model, version, Error: error);
        }

        var result = await RunAsync(runtime, new BatchRequest(inputs, request.Inputs.Count, runtime.AllOutputs), RequestPriority.RealTime, null, cancellationToken);
        if (result.Status != InferenceStatus.Ok)
        {
            return new EmbedResult(result.Status, model, version, Error: result.Error, RetryAfter: result.RetryAfter);
        }

        using var output = result.Value![0];
        return new EmbedResult(InferenceStatus.Ok, model, version, embedder.Decode(output, request.Inputs.Count, request.Normalize), embedder.Dimensions, tokens);
    }
}
