namespace OrleansInference.OnnxRuntime;

/// <summary>Event ids of this component's log messages (range 3100-3199).</summary>
internal static class OrtEventIds
{
    public const int EnvironmentCreated = 3101;
    public const int CudaUnavailable = 3102;
    public const int SessionCreated = 3104;
}
