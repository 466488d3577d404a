using Microsoft.Extensions.Logging;

namespace OrleansInference.OnnxRuntime.Native;

/// <summary>
/// Owns one reference to the process's native <c>OrtEnv</c>. Sessions add a reference to this
/// handle, so the environment is released after the last of them.
/// </summary>
internal sealed class EnvironmentHandle : OrtHandle
{
    private readonly ILogger _logger;

    public EnvironmentHandle(nint handle, ILogger logger)
        : base(handle)
    {
        _logger = logger;
    }

    protected override unsafe bool ReleaseHandle()
    {
        var api = NativeApi.Instance;
        api.ReleaseEnv(handle);
        api.LogRouter.Unregister(_logger);
        return true;
    }
}
