using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OrleansInference.Api.Telemetry;

/// <summary>
/// Traces through the OpenTelemetry SDK, exported over OTLP when <c>Telemetry:OtlpEndpoint</c> is set: the HTTP and
/// gRPC request (ASP.NET Core), calls on application grains (Orleans' activity propagation) and the serving core's model-version and
/// batch spans. Without an endpoint nothing is registered, so no span is ever created.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The traced sources: the serving core's (ServingTracing in the grains, which the API does not reference by type)
    /// and Orleans' calls on application grains (not <c>Microsoft.Orleans.Runtime</c>: membership and directory
    /// traffic would outnumber the requests).
    /// </summary>
    internal static readonly string[] Sources = ["OrleansInference.Serving", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddInferenceTracing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());

        // Whether to trace at all is decided now, from the configuration; a bad value stops start-up (above).
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.TracingEnabled
            || !TelemetryOptionsValidator.TryParseEndpoint(options.OtlpEndpoint, out var endpoint)
            || !TelemetryOptionsValidator.TryParseProtocol(options.OtlpProtocol, out var protocol))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = static context => !context.Request.Path.StartsWithSegments("/metrics"))
                .AddSource(Sources)
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = endpoint;
                    otlp.Protocol = protocol;
                }));
        return services;
    }
}
