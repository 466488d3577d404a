namespace OrleansInference.Grid.Repository;

/// <summary>
/// The <c>config.json</c> beside each <c>model.onnx</c> in the model repository
/// (<c>models/{name}/{version}/</c>): schema, pre- and postprocessing, batching, instances, warm-up and metadata.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The model name; must match the repository folder.</summary>
    public required string Name { get; init; }

    /// <summary>The version; must match the repository folder. Versions are positive integers.</summary>
    public required string Version { get; init; }

    /// <summary>One-sentence description for listings.</summary>
    public string? Description { get; init; }

    /// <summary>Input tensors the model takes.</summary>
    public required IReadOnlyList<TensorSpec> Inputs { get; init; }

    /// <summary>Output tensors the model produces.</summary>
    public required IReadOnlyList<TensorSpec> Outputs { get; init; }

    /// <summary>Ordered names of the columns of the first input, for requests that name their features.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>Transformations applied to raw features before the model runs.</summary>
    public PreprocessingConfig? Preprocessing { get; init; }

    /// <summary>How outputs become a prediction, label and confidence.</summary>
    public PostprocessingConfig? Postprocessing { get; init; }

    /// <summary>Predict result caching with a TTL; off when absent.</summary>
    public CacheConfig? Cache { get; init; }

    /// <summary>Dynamic batching settings; defaults apply when absent.</summary>
    public BatchingConfig? Batching { get; init; }

    /// <summary>Text generation with a key/value cache; present only on generative versions.</summary>
    public GenerationConfig? Generation { get; init; }

    /// <summary>Text embedding; present only on embedding versions.</summary>
    public EmbeddingConfig? Embedding { get; init; }

    /// <summary>Execution instances (separate sessions, one intra-op thread each). Default 1.</summary>
    public int Instances { get; set; } = 1;

    /// <summary>
    /// Where this version's sessions run, <c>cpu</c> or <c>cuda</c>, overriding the silo's
    /// <c>OnnxRuntime:ExecutionProvider</c>; absent: the silo's choice. CPU fallback follows the silo's
    /// <c>OnnxRuntime:AllowCpuFallback</c>.
    /// </summary>
    public string? ExecutionProvider { get; init; }

    /// <summary>
    /// The CUDA device ordinal (0 or more) this version's sessions use when they run on CUDA, overriding the silo's
    /// <c>OnnxRuntime:CudaDeviceId</c>; absent: the silo's device. Not allowed with <c>execution_provider: cpu</c>.
    /// </summary>
    public int? CudaDeviceId { get; init; }

    /// <summary>Raw feature rows run at load (models with one FP32 input); the version is ready only after they succeed.</summary>
    public IReadOnlyList<float[]>? WarmupSamples { get; init; }

    /// <summary>
    /// A warm-up request of the model's own tensors, any input types: one entry per model input. Run at load when
    /// <see cref="WarmupSamples"/> do not apply; the version is ready only after it succeeds.
    /// </summary>
    public IReadOnlyList<WarmupInput>? WarmupInputs { get; init; }

    /// <summary>
    /// Without warm-up samples, run a synthetic request at load (zeros, empty strings, dynamic dimensions as 1) so the
    /// first real request does not pay for initialization. A model may reject such inputs (an integer division by
    /// zero, a zero Resize scale): that is logged and the version serves anyway. Default true; false skips it.
    /// </summary>
    public bool SyntheticWarmup { get; init; } = true;

    /// <summary>Free-form provenance: framework, algorithm, metrics, training date, data set.</summary>
    public System.Text.Json.Nodes.JsonObject? Metadata { get; init; }

    /// <summary>Lifecycle stage: dev, staging, production or archived.</summary>
    public string Stage { get; set; } = ModelStages.Dev;

    /// <summary>SHA-256 of <c>model.onnx</c>, hex; verified at load when present.</summary>
    public string? Sha256 { get; init; }
}
