using Microsoft.Extensions.Options;

namespace OrleansInference.Api.Resilience;

/// <summary>Stops start-up on breaker settings Polly would refuse or that could never trip, naming the key.</summary>
/// <param name="configuration">
/// The raw configuration: a flag that is neither true nor false binds as false for a model's settings, so it is read here.
/// </param>
internal sealed class ResilienceOptionsValidator(IConfiguration configuration) : IValidateOptions<ResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, ResilienceOptions options)
    {
        var failures = new List<string>();
        if (options.FailureRatio is <= 0 or > 1 || double.IsNaN(options.FailureRatio))
        {
            failures.Add($"Resilience:FailureRatio is {options.FailureRatio}; it must be above 0 and at most 1.");
        }

        if (options.MinimumThroughput is < 2 or > 100_000)
        {
            failures.Add($"Resilience:MinimumThroughput is {options.MinimumThroughput}; it must be from 2 to 100000.");
        }

        foreach (var (key, value) in new[] { ("SamplingDuration", options.SamplingDuration), ("BreakDuration", options.BreakDuration) })
        {
            if (value < TimeSpan.FromMilliseconds(500) || value > TimeSpan.FromHours(1))
            {
                failures.Add($"Resilience:{key} is {value}; it must be from 500 ms to 1 hour.");
            }
        }

        foreach (var (model, settings) in options.Models)
        {
            if (settings.FallbackVersion is { } version && (version.Length == 0 || version.Contains('/', StringComparison.Ordinal) || version.Trim() != version))
            {
                failures.Add($"Resilience:Models:{model}:FallbackVersion is '{version}'; expected a version name of model '{model}' (or nothing for no fallback).");
            }
        }

        foreach (var model in configuration.GetSection($"{ResilienceOptions.SectionName}:{nameof(ResilienceOptions.Models)}").GetChildren())
        {
            var key = nameof(ModelResilienceOptions.FallbackToCachedAnswer);
            if (model[key] is { } flag && !bool.TryParse(flag, out _))
            {
                failures.Add($"Resilience:Models:{model.Key}:{key} is '{flag}'; expected true or false.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
