namespace OrleansInference.Api.KServe;

/// <summary>
/// Triton extensions the server does not offer and does not claim: both protocols answer their endpoints with these
/// messages (REST 501 with the v2 error body, gRPC UNIMPLEMENTED).
/// </summary>
internal static class UnofferedExtensions
{
    public const string SharedMemory =
        "Shared memory is not offered by this server (it claims neither the system_shared_memory nor the cuda_shared_memory extension): send tensors in the request, as JSON, binary data or gRPC raw_input_contents.";

    public const string Trace =
        "Trace settings are not offered by this server (it does not claim Triton's trace extension): requests are traced with OpenTelemetry, exported over OTLP when Telemetry:OtlpEndpoint is configured.";

    public const string Logging =
        "Log settings are not offered by this server (it does not claim Triton's logging extension): log levels come from the Logging section of its configuration.";

    /// <summary>Maps Triton's REST paths of these extensions to 501 with the reason.</summary>
    public static void Map(RouteGroupBuilder v2)
    {
        string[] methods = ["GET", "POST"];
        v2.MapMethods("/systemsharedmemory/{**rest}", methods, static () => KServeEndpoints.Error(StatusCodes.Status501NotImplemented, SharedMemory))
            .ExcludeFromDescription();
        v2.MapMethods("/cudasharedmemory/{**rest}", methods, static () => KServeEndpoints.Error(StatusCodes.Status501NotImplemented, SharedMemory))
            .ExcludeFromDescription();
        v2.MapMethods("/trace/setting", methods, static () => KServeEndpoints.Error(StatusCodes.Status501NotImplemented, Trace))
            .ExcludeFromDescription();
        v2.MapMethods("/models/{model}/trace/setting", methods, static () => KServeEndpoints.Error(StatusCodes.Status501NotImplemented, Trace))
            .ExcludeFromDescription();
        v2.MapMethods("/logging", methods, static () => KServeEndpoints.Error(StatusCodes.Status501NotImplemented, Logging))
            .ExcludeFromDescription();
    }
}
