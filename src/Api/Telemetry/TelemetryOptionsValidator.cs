using Microsoft.Extensions.Options;

namespace OrleansInference.Api.Telemetry;

/// <summary>Stops start-up on an OTLP endpoint or protocol that could never export, naming the key.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (options.TracingEnabled && !TryParseEndpoint(options.OtlpEndpoint, out _))
        {
            failures.Add(
                $"Telemetry:OtlpEndpoint must be an absolute http:// or https:// URL such as http://127.0.0.1:4317; got '{options.OtlpEndpoint}'. Leave it empty to turn tracing off.");
        }

        if (!TryParseProtocol(options.OtlpProtocol, out _))
        {
            failures.Add($"Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'; got '{options.OtlpProtocol}'.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            failures.Add("Telemetry:ServiceName must not be empty; the default is 'orleans-inference'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool TryParseEndpoint(string? value, out Uri endpoint)
    {
        endpoint = null!;
        return Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var parsed)
            && parsed.Scheme is "http" or "https"
            && (endpoint = parsed) is not null;
    }

    internal static bool TryParseProtocol(string? value, out OpenTelemetry.Exporter.OtlpExportProtocol protocol)
    {
        protocol = OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
        switch (value?.Trim().ToLowerInvariant())
        {
            case "grpc":
                return true;
            case "http/protobuf":
                protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
                return true;
            default:
                return false;
        }
    }
}
