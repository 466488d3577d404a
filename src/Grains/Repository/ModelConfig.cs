using System.Text.Json.Serialization;

namespace OrleansInference.Grains.Repository;

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

    /// <summary>Dynamic batching settings; defaults apply when absent.</summary>
    public BatchingConfig? Batching { get; init; }

    /// <summary>Execution instances (separate sessions, one intra-op thread each). Default 1.</summary>
    public int Instances { get; set; } = 1;

    /// <summary>Raw feature rows run at load; the version is ready only after they succeed.</summary>
    public IReadOnlyList<float[]>? WarmupSamples { get; init; }

    /// <summary>Free-form provenance: framework, algorithm, metrics, training date, data set.</summary>
    public System.Text.Json.Nodes.JsonObject? Metadata { get; init; }

    /// <summary>Lifecycle stage: dev, staging, production or archived.</summary>
    public string Stage { get; set; } = ModelStages.Dev;

    /// <summary>SHA-256 of <c>model.onnx</c>, hex; verified at load when present.</summary>
    public string? Sha256 { get; init; }
}

/// <summary>A named tensor in a model's schema. <c>-1</c> marks a dynamic dimension.</summary>
public sealed record TensorSpec(string Name, string Datatype, long[] Shape);

/// <summary>Raw feature transformations, applied in this order: defaults, one-hot, standardize.</summary>
public sealed record PreprocessingConfig
{
    /// <summary>Per-column <c>(x - mean) / std</c> over the first input's columns.</summary>
    public StandardizeConfig? Standardize { get; init; }

    /// <summary>Values for named features a request leaves out; a feature with no default is required.</summary>
    public IReadOnlyDictionary<string, float>? Defaults { get; init; }

    /// <summary>Categorical features expanded to one column per vocabulary entry, named <c>{feature}={value}</c>.</summary>
    public IReadOnlyDictionary<string, string[]>? OneHot { get; init; }
}

/// <summary>Stored mean and standard deviation per column.</summary>
public sealed record StandardizeConfig(float[] Mean, float[] Std);

/// <summary>How a model's output becomes a prediction.</summary>
public sealed record PostprocessingConfig
{
    /// <summary><c>classification</c> (probabilities → label) or <c>regression</c> (first value).</summary>
    public string Kind { get; set; } = "classification";

    /// <summary>The output tensor to read; default the first output.</summary>
    public string? Output { get; init; }

    /// <summary>Class labels by index.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>For two classes: the probability of class 1 at or above which it is predicted. Null = argmax.</summary>
    public float? Threshold { get; init; }

    /// <summary>How many top classes to return. Default 1.</summary>
    public int TopK { get; set; } = 1;
}

/// <summary>Dynamic batching settings as they appear in <c>config.json</c>.</summary>
public sealed record BatchingConfig
{
    /// <summary>Largest batch in rows. Default 64; 1 disables batching.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>How long the oldest request may wait for a batch to fill, in microseconds. Default 200.</summary>
    public int MaxQueueDelayUs { get; set; } = 200;

    /// <summary>Batch sizes dispatched as soon as they are reached.</summary>
    public int[]? PreferredBatchSizes { get; init; }

    /// <summary>Requests that may wait; more are rejected with 429. Default 2048.</summary>
    public int MaxQueueSize { get; set; } = 2048;

    /// <summary>Deadline for requests that set none, in milliseconds. Default 2000.</summary>
    public int DefaultTimeoutMs { get; set; } = 2000;
}

/// <summary>The lifecycle stages of a model version.</summary>
public static class ModelStages
{
    public const string Dev = "dev";
    public const string Staging = "staging";
    public const string Production = "production";
    public const string Archived = "archived";

    /// <summary>True for one of the four stage names.</summary>
    public static bool IsValid(string? stage) => stage is Dev or Staging or Production or Archived;
}

/// <summary>Source-generated JSON for the model repository's files.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelConfig))]
internal sealed partial class ModelConfigJsonContext : JsonSerializerContext;
