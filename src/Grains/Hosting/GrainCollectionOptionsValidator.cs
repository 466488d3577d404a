using Microsoft.Extensions.Options;

namespace OrleansInference.Grains.Hosting;

/// <summary>Rejects non-positive durations with a message naming the configuration key.</summary>
internal sealed class GrainCollectionOptionsValidator : IValidateOptions<GrainCollectionOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainCollectionOptions options)
    {
        List<string>? failures = null;
        Check(options.CollectionQuantum, nameof(GrainCollectionOptions.CollectionQuantum), ref failures);
        Check(options.DefaultIdleTimeout, nameof(GrainCollectionOptions.DefaultIdleTimeout), ref failures);
        Check(options.DeactivationTimeout, nameof(GrainCollectionOptions.DeactivationTimeout), ref failures);
        foreach (var (grainClass, age) in options.ClassSpecificCollectionAge)
        {
            Check(age, $"{nameof(GrainCollectionOptions.ClassSpecificCollectionAge)}:{grainClass}", ref failures);
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(TimeSpan value, string key, ref List<string>? failures)
    {
        if (value <= TimeSpan.Zero)
        {
            (failures ??= []).Add($"{GrainCollectionOptions.SectionName}:{key} is {value}; it must be greater than zero.");
        }
    }
}
