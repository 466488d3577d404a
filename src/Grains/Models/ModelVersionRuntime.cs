using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Batching;
using OrleansInference.Grains.Caching;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grains.Execution;
using OrleansInference.Grains.Generation;
using OrleansInference.Grains.Monitoring;

namespace OrleansInference.Grains.Models;

/// <summary>A loaded model version: its sessions, its batcher and the catalog entry it was loaded from.</summary>
internal sealed class ModelVersionRuntime : IAsyncDisposable
{
    public ModelVersionRuntime(
        CatalogEntry entry, IModelRunner runner, DynamicBatcher<BatchRequest, NamedTensor[]> batcher, bool batchable, PredictionCache? cache, DriftMonitor? drift,
        GenerationEngine? generator = null, TextEmbedder? embedder = null)
    {
        Generator = generator;
        Embedder = embedder;
        Drift = drift;
        Cache = cache;
        Entry = entry;
        Runner = runner;
        Batcher = batcher;
        Batchable = batchable;
        AllOutputs = runner.Outputs.Select(o => o.Name).ToArray();
        PredictOutputs = [entry.Postprocessor.OutputName];
    }

    public CatalogEntry Entry { get; }

    public IModelRunner Runner { get; }

    public DynamicBatcher<BatchRequest, NamedTensor[]> Batcher { get; }

    /// <summary>True when every input has a dynamic first dimension, so requests can share a batch.</summary>
    public bool Batchable { get; }

    /// <summary>Live input and prediction distributions against the training profile, when the version has one.</summary>
    public DriftMonitor? Drift { get; }

    /// <summary>Recent predict results, when the model's config enables caching.</summary>
    public PredictionCache? Cache { get; }

    /// <summary>
    /// The shared (cluster-wide) cache behind <see cref="Cache"/>, with single-flight for misses; null in the embedded
    /// default, where <see cref="Cache"/> alone serves.
    /// </summary>
    public SharedPredictionCache? SharedCache { get; init; }

    /// <summary>Drops the cached answers when the version's registry entry changes; disposed with the runtime.</summary>
    public IDisposable? CacheInvalidation { get; init; }

    /// <summary>The continuous batcher of a generative version; null otherwise.</summary>
    public GenerationEngine? Generator { get; }

    /// <summary>The tokenizer and pooling of an embedding version; null otherwise.</summary>
    public TextEmbedder? Embedder { get; }

    public string[] AllOutputs { get; }

    /// <summary>The one output predict reads (the postprocessor's), as a list made once rather than per request.</summary>
    public IReadOnlyList<string> PredictOutputs { get; }

    /// <summary>Stops accepting, finishes every queued request, then releases the sessions.</summary>
    public async ValueTask DisposeAsync()
    {
        CacheInvalidation?.Dispose();
        await Batcher.DisposeAsync();
        if (Generator is not null)
        {
            await Generator.DisposeAsync();
        }

        Runner.Dispose();
    }
}
