namespace OrleansInference.Api.Telemetry;

/// <summary>Trace export (configuration section <c>Telemetry</c>); metrics are at <c>GET /metrics</c> regardless.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Where traces go over OTLP: an absolute <c>http://</c> or <c>https://</c> URL, for example
    /// <c>http://127.0.0.1:4317</c> (gRPC) or <c>http://127.0.0.1:4318/v1/traces</c> (HTTP). Empty (the default)
    /// turns tracing off: no tracer is registered and no span is created.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The OTLP transport: <c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>The <c>service.name</c> resource attribute of exported spans. Default <c>orleans-inference</c>.</summary>
    public string ServiceName { get; set; } = "orleans-inference";

    /// <summary>True when <see cref="OtlpEndpoint"/> is set.</summary>
    public bool TracingEnabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);
}
