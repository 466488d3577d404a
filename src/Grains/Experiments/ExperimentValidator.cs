using System.Text.RegularExpressions;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Experiments;

/// <summary>Validates experiment input; every refusal names the field (400), the missing model or version (404).</summary>
public static partial class ExperimentValidator
{
    /// <summary>Most variants an experiment may have.</summary>
    public const int MaxVariants = 16;

    /// <summary>Most per-user overrides an experiment may hold.</summary>
    public const int MaxOverrides = 10_000;

    /// <summary>Checks a definition against the catalog.</summary>
    public static void Validate(ExperimentDefinition definition, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(catalog);
        if (!IsValidName(definition.Id))
        {
            throw Invalid($"'id' is '{definition.Id}'; expected 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        if (string.IsNullOrEmpty(definition.Model))
        {
            throw Invalid("'model' is required: the model whose traffic the experiment splits.");
        }

        if (!catalog.Contains(definition.Model))
        {
            throw new ExperimentException(ExperimentErrorKind.NotFound, $"Model '{definition.Model}' is not registered.");
        }

        if (definition.Variants is not { Count: > 0 } variants)
        {
            throw Invalid("'variants' needs at least one variant, one of them the baseline.");
        }

        if (variants.Count > MaxVariants)
        {
            throw Invalid($"'variants' has {variants.Count} entries; at most {MaxVariants} are allowed.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            if (v is null || !IsValidName(v.Name))
            {
                throw Invalid($"'variants[{i}].name' is '{v?.Name}'; expected 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            if (!names.Add(v.Name))
            {
                throw Invalid($"'variants[{i}].name' repeats '{v.Name}'; variant names must be unique.");
            }

            if (v.Weight is < 0 or > 100)
            {
                throw Invalid($"'variants[{i}].weight' is {v.Weight}; expected 0 to 100.");
            }

            CheckVersion(catalog, definition.Model, v.Version, $"variants[{i}].version");
        }

        var baselines = variants.Count(v => v.Baseline);
        if (baselines != 1)
        {
            throw Invalid($"'variants' has {baselines} baselines; mark exactly one variant with 'baseline': true.");
        }

        var total = variants.Sum(v => v.Weight);
        if (total != 100)
        {
            throw Invalid($"'variants[].weight' sums to {total}; weights are percentages and must sum to 100.");
        }

        if (definition.ShadowVersion is { } shadow)
        {
            CheckVersion(catalog, definition.Model, shadow, "shadow_version");
        }

        if (definition.PlannedSampleSize < 1)
        {
            throw Invalid($"'planned_sample_size' is {definition.PlannedSampleSize}; expected at least 1.");
        }

        CheckOverrides(definition.Overrides?.Select(o => (o.Key, (string?)o.Value)), names);
    }

    /// <summary>Checks override entries against the variant names; null values (removals) are allowed.</summary>
    public static void CheckOverrides(IEnumerable<(string User, string? Variant)>? overrides, IReadOnlySet<string> variantNames)
    {
        ArgumentNullException.ThrowIfNull(variantNames);
        var count = 0;
        foreach (var (user, variant) in overrides ?? [])
        {
            if (++count > MaxOverrides)
            {
                throw Invalid($"'overrides' has more than {MaxOverrides} entries.");
            }

            if (string.IsNullOrEmpty(user) || user.Length > 256)
            {
                throw Invalid("'overrides' has an empty or over-long user id (1 to 256 characters).");
            }

            if (variant is not null && !variantNames.Contains(variant))
            {
                throw Invalid($"'overrides.{user}' is '{variant}', which is not a variant; variants: {string.Join(", ", variantNames)}.");
            }
        }
    }

    /// <summary>Checks a ramp plan against the experiment.</summary>
    public static void ValidateRamp(RampPlan plan, ExperimentInfo info)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(info);
        var variant = info.Variants.FirstOrDefault(v => v.Name == plan.Variant)
            ?? throw Invalid($"'variant' is '{plan.Variant}', which is not a variant of experiment '{info.Id}'.");
        if (variant.Baseline)
        {
            throw Invalid($"'variant' is '{plan.Variant}', the baseline; ramp a candidate variant.");
        }

        if (plan.Steps is not { Count: > 0 } steps)
        {
            throw Invalid("'steps' needs at least one percentage, for example [5, 20, 50, 100].");
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is < 1 or > 100 || (i > 0 && steps[i] <= steps[i - 1]))
            {
                throw Invalid($"'steps[{i}]' is {steps[i]}; steps must increase, each 1 to 100.");
            }
        }

        if (plan.StepDuration <= TimeSpan.Zero || plan.StepDuration > TimeSpan.FromDays(30))
        {
            throw Invalid($"'step_duration_seconds' is {plan.StepDuration.TotalSeconds}; expected more than 0 and at most 30 days.");
        }

        var g = plan.Guardrails ?? throw Invalid("'guardrails' is required.");
        if (g.MaxErrorRateIncrease is < 0 or > 1 || double.IsNaN(g.MaxErrorRateIncrease))
        {
            throw Invalid($"'guardrails.max_error_rate_increase' is {g.MaxErrorRateIncrease}; expected 0 to 1.");
        }

        if (g.MaxP99LatencyMs is <= 0)
        {
            throw Invalid($"'guardrails.max_p99_latency_ms' is {g.MaxP99LatencyMs}; expected more than 0.");
        }

        if (g.MaxP99Ratio is <= 0)
        {
            throw Invalid($"'guardrails.max_p99_ratio' is {g.MaxP99Ratio}; expected more than 0.");
        }

        if (g.MinSamples < 1)
        {
            throw Invalid($"'guardrails.min_samples' is {g.MinSamples}; expected at least 1.");
        }
    }

    private static void CheckVersion(ModelCatalog catalog, string model, string? version, string field)
    {
        if (string.IsNullOrEmpty(version))
        {
            throw Invalid($"'{field}' is required.");
        }

        if (!catalog.TryGet(model, version, out var entry))
        {
            throw new ExperimentException(ExperimentErrorKind.NotFound, $"'{field}': model '{model}' has no version '{version}'.");
        }

        if (entry.Stage == ModelStages.Archived)
        {
            throw new ExperimentException(ExperimentErrorKind.Conflict, $"'{field}': version '{model}/{version}' is archived and serves no traffic.");
        }
    }

    private static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    private static ExperimentException Invalid(string message) => new(ExperimentErrorKind.Invalid, message);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
