using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansInference.Api.Http;

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
        services.AddProblemDetails();
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
