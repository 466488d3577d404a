using Microsoft.Extensions.Options;

namespace OrleansInference.Grains.Execution;

/// <summary>Rejects <see cref="OnnxRunnerOptions"/> that cannot create sessions, at start-up.</summary>
internal sealed class OnnxRunnerOptionsValidator : IValidateOptions<OnnxRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, OnnxRunnerOptions options)
    {
        var failures = new List<string>();
        if (options.IntraOpThreads is < 0 or > 256)
        {
            failures.Add($"OnnxRuntime:IntraOpThreads must be between 0 (runtime default) and 256; got {options.IntraOpThreads}.");
        }

        if (options.CudaDeviceId < 0)
        {
            failures.Add($"OnnxRuntime:CudaDeviceId must be 0 or greater; got {options.CudaDeviceId}.");
        }

        if (!Enum.IsDefined(options.ExecutionProvider))
        {
            failures.Add($"OnnxRuntime:ExecutionProvider must be Cpu or Cuda; got {options.ExecutionProvider}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
