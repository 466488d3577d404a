using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Api;

/// <summary>Registers the public API's services.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds options, problem details and the exception handler of the public API.</summary>
    public static IServiceCollection AddInferenceApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>()
            .Bind(configuration.GetSection(ApiOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The project's REST API speaks snake_case, like KServe v2 and the predict endpoint's hand-written JSON.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower));
        });
        services.AddOptions<Grpc.GrpcOptions>()
            .Bind(configuration.GetSection(Grpc.GrpcOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<Health.GridReadiness>();
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<Security.AccessControlInterceptor>();
            // gzip is built in; deflate (zlib, as gRPC means it) is what Triton's clients also offer.
            grpc.CompressionProviders.Add(new global::Grpc.Net.Compression.DeflateCompressionProvider(System.IO.Compression.CompressionLevel.Fastest));
        });
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<IOptions<Grpc.GrpcOptions>>((grpc, options) => grpc.MaxReceiveMessageSize = options.Value.MaxReceiveMessageBytes);
        services.AddGrpcHealthChecks().AddCheck<Health.ServingReadinessCheck>("serving");
        services.AddGrpcReflection();
        // A co-hosted silo registers its own (with its local serving directory); a pure cluster client calls grains,
        // spreading each version's calls over its replicas.
        services.TryAddSingleton<ReplicaRouter>();
        services.TryAddSingleton(static sp => new GridCalls(sp.GetRequiredService<IGrainFactory>(), local: null, replicas: sp.GetRequiredService<ReplicaRouter>()));
        services.AddOptions<Security.AuthOptions>().Bind(configuration.GetSection(Security.AuthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Security.AuthOptions>, Security.AuthOptionsValidator>());
        services.TryAddSingleton<Security.ApiKeyRegistry>();
        services.TryAddSingleton<Security.AccessControl>();
        Security.JwtServiceCollectionExtensions.AddJwtBearerTokens(services);
        Resilience.ResilienceServiceCollectionExtensions.AddVersionCircuitBreakers(services, configuration);
        services.AddProblemDetails();
        services.AddRequestDecompression();
        services.AddSingleton<Microsoft.AspNetCore.RequestDecompression.IRequestDecompressionProvider, Http.RequestBodyDecompression>();
        Silo.MetricsServiceCollectionExtensions.AddInferenceMetrics(services);
        Telemetry.TelemetryServiceCollectionExtensions.AddInferenceTracing(services, configuration);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi();
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            // Inference endpoints enforce Api:MaxRequestBodyBytes themselves; this caps everything else (uploads).
            kestrel.Limits.MaxRequestBodySize = 2L * 1024 * 1024 * 1024;
        });
        return services;
    }
}
