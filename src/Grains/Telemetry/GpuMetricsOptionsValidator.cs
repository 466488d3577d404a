using Microsoft.Extensions.Options;

namespace OrleansInference.Grains.Telemetry;

/// <summary>Checks <see cref="GpuMetricsOptions"/> at start-up: a library path that is given must exist.</summary>
internal sealed class GpuMetricsOptionsValidator : IValidateOptions<GpuMetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, GpuMetricsOptions options) =>
        options.Enabled && !string.IsNullOrWhiteSpace(options.LibraryPath) && !File.Exists(options.LibraryPath)
            ? ValidateOptionsResult.Fail($"{GpuMetricsOptions.SectionName}:LibraryPath is '{options.LibraryPath}', which does not exist; give the path of libnvidia-ml.so.1 or leave it empty for the driver's own.")
            : ValidateOptionsResult.Success;
}
