using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grid.Repository;

/// <summary>Checks a <see cref="ModelConfig"/> for internal consistency; each problem is one full sentence.</summary>
public static class ModelConfigValidator
{
    /// <summary>Returns the problems found; empty when the config is valid.</summary>
    public static IReadOnlyList<string> Validate(ModelConfig config)
    {
        var problems = new List<string>();
        if (!ModelKeys.IsValidName(config.Name))
        {
            problems.Add($"Name '{config.Name}' is not valid (1-64 letters, digits, '-', '_' or '.').");
        }

        if (!ModelKeys.IsValidVersion(config.Version))
        {
            problems.Add($"Version '{config.Version}' is not a positive integer.");
        }

        if (!ModelStages.IsValid(config.Stage))
        {
            problems.Add($"Stage '{config.Stage}' is not one of dev, staging, production, archived.");
        }

        if (config.Inputs is not { Count: > 0 })
        {
            problems.Add("At least one input is required.");
        }

        if (config.Outputs is not { Count: > 0 })
        {
            problems.Add("At least one output is required.");
        }

        ValidateSpecs(config.Inputs, "Input", problems);
        ValidateSpecs(config.Outputs, "Output", problems);
        if (config.Instances is < 1 or > 64)
        {
            problems.Add($"Instances is {config.Instances}; expected 1 to 64.");
        }

        ValidateExecution(config, problems);
        ValidateBatching(config.Batching, problems);
        if (config.Cache is { } cache && (cache.TtlSeconds is < 0 or > 86_400 || cache.MaxEntries is < 1 or > 10_000_000))
        {
            problems.Add($"cache needs ttl_seconds between 0 and 86400 and max_entries between 1 and 10000000; got {cache.TtlSeconds} and {cache.MaxEntries}.");
        }
        ValidateFeatures(config, problems);
        ValidateWarmupInputs(config, problems);
        ValidateText(config, problems);
        return problems;
    }

    private static void ValidateExecution(ModelConfig config, List<string> problems)
    {
        var provider = config.ExecutionProvider;
        if (provider is not null && !string.Equals(provider, "cpu", StringComparison.OrdinalIgnoreCase) && !string.Equals(provider, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"execution_provider is '{provider}'; expected cpu or cuda.");
        }

        if (config.CudaDeviceId is { } device)
        {
            if (device < 0)
            {
                problems.Add($"cuda_device_id is {device}; expected 0 or greater.");
            }

            if (string.Equals(provider, "cpu", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add("cuda_device_id is set but execution_provider is cpu; remove one of them.");
            }
        }
    }

    private static void ValidateSpecs(IReadOnlyList<TensorSpec>? specs, string kind, List<string> problems)
    {
        if (specs is null)
        {
            return;
        }

        foreach (var spec in specs)
        {
            if (string.IsNullOrEmpty(spec.Name))
            {
                problems.Add($"{kind} has no name.");
            }

            if (!TensorDataTypes.TryParseV2Name(spec.Datatype, out _))
            {
                problems.Add($"{kind} '{spec.Name}' has datatype '{spec.Datatype}'; expected a KServe v2 datatype such as FP32.");
            }

            // [] is a scalar; a 0 dimension is an empty tensor (both are valid ONNX values).
            if (spec.Shape is null || Array.Exists(spec.Shape, d => d < -1))
            {
                problems.Add($"{kind} '{spec.Name}' needs a shape: a list of dimensions of 0 or more, or -1 for dynamic ones ([] for a scalar).");
            }
        }
    }

    private static void ValidateWarmupInputs(ModelConfig config, List<string> problems)
    {
        if (config.WarmupInputs is not { } inputs)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (WarmupInputConverter.TryConvert(input, out var tensor) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            tensor!.Dispose();
            if (!seen.Add(input.Name))
            {
                problems.Add($"warmup_inputs names '{input.Name}' twice.");
            }
            else if (config.Inputs is { } declared && !declared.Any(i => i.Name == input.Name))
            {
                problems.Add($"warmup_inputs names '{input.Name}', which is not one of the inputs.");
            }
        }
    }

    private static void ValidateBatching(BatchingConfig? batching, List<string> problems)
    {
        if (batching is null)
        {
            return;
        }

        if (batching.MaxBatchSize is < 1 or > 65536)
        {
            problems.Add($"batching.max_batch_size is {batching.MaxBatchSize}; expected 1 to 65536.");
        }

        if (batching.MaxQueueDelayUs is < 0 or > 10_000_000)
        {
            problems.Add($"batching.max_queue_delay_us is {batching.MaxQueueDelayUs}; expected 0 to 10000000.");
        }

        if (batching.MaxQueueSize < 1)
        {
            problems.Add($"batching.max_queue_size is {batching.MaxQueueSize}; expected at least 1.");
        }

        if (batching.DefaultTimeoutMs < 1)
        {
            problems.Add($"batching.default_timeout_ms is {batching.DefaultTimeoutMs}; expected at least 1.");
        }

        if (batching.PreferredBatchSizes is { } preferred && Array.Exists(preferred, p => p < 1 || p > batching.MaxBatchSize))
        {
            problems.Add($"batching.preferred_batch_sizes must lie between 1 and max_batch_size ({batching.MaxBatchSize}).");
        }
    }

    private static void ValidateText(ModelConfig config, List<string> problems)
    {
        if (config.Generation is { } generation)
        {
            if (generation.Layers is < 1 or > 256 || generation.Heads is < 1 or > 256 || generation.HeadDim is < 1 or > 4096)
            {
                problems.Add($"generation needs layers and heads of 1 to 256 and head_dim of 1 to 4096; got {generation.Layers}, {generation.Heads} and {generation.HeadDim}.");
            }

            if (generation.AttentionWindow != 0 && (generation.AttentionWindow < 2 || generation.AttentionWindow > generation.Context))
            {
                problems.Add($"generation.attention_window must be 0 (none) or 2 to the context ({generation.Context}); got {generation.AttentionWindow}.");
            }

            if (generation.Context is < 2 or > 65536)
            {
                problems.Add($"generation.context is {generation.Context}; expected 2 to 65536.");
            }

            if (!IsPlainFileName(generation.Tokenizer))
            {
                problems.Add($"generation.tokenizer is '{generation.Tokenizer}'; expected a file name in the version folder.");
            }
        }

        if (config.Embedding is { } embedding)
        {
            if (embedding.MaxTokens is < 1 or > 65536 || embedding.Dimensions is < 1 or > 65536)
            {
                problems.Add($"embedding needs max_tokens and dimensions of 1 to 65536; got {embedding.MaxTokens} and {embedding.Dimensions}.");
            }

            if (!IsPlainFileName(embedding.Tokenizer))
            {
                problems.Add($"embedding.tokenizer is '{embedding.Tokenizer}'; expected a file name in the version folder.");
            }
        }

        if (config.Generation is not null && config.Embedding is not null)
        {
            problems.Add("A version is either generative (generation) or an embedder (embedding), not both.");
        }
    }

    private static bool IsPlainFileName(string? name) =>
        !string.IsNullOrEmpty(name) && name == Path.GetFileName(name) && name is not "." and not ".." && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0;

    private static void ValidateFeatures(ModelConfig config, List<string> problems)
    {
        if (config.Inputs is not { Count: > 0 })
        {
            return;
        }

        var columns = config.Inputs[0].Shape is { Length: 2 } shape ? shape[1] : -1;
        if (config.FeatureNames is { } names && columns > 0 && names.Count != columns)
        {
            problems.Add($"feature_names has {names.Count} entries but input '{config.Inputs[0].Name}' has {columns} columns.");
        }

        if (config.Preprocessing?.OneHot is not null)
        {
            problems.Add(
                "preprocessing.one_hot is not supported: the server does not expand categorical features. Encode them in the model " +
                "(for example an ONNX OneHotEncoder ahead of the classifier) or send the expanded numeric columns, and remove preprocessing.one_hot.");
        }

        if (config.Preprocessing?.Standardize is { } standardize)
        {
            if (standardize.Mean.Length != standardize.Std.Length || (columns > 0 && standardize.Mean.Length != columns))
            {
                problems.Add($"preprocessing.standardize needs mean and std of {columns} entries each.");
            }

            if (Array.Exists(standardize.Std, s => !(s > 0)))
            {
                problems.Add("preprocessing.standardize.std entries must be positive.");
            }
        }

        if (config.WarmupSamples is { } samples && columns > 0 && samples.Any(s => s.Length != columns))
        {
            problems.Add($"Every warmup sample needs {columns} values.");
        }
    }
}
