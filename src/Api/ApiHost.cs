using Orleans.Dashboard;
using OrleansInference.Api.Grpc;
using OrleansInference.Api.Hosting;
using OrleansInference.Api.Http;
using OrleansInference.Client;
using OrleansInference.Grid;
using OrleansInference.Silo;

namespace OrleansInference.Api;

/// <summary>
/// Builds the API host: the public endpoints plus a co-hosted silo (the embedded default), or, with
/// <c>Api:Grid=Client</c>, the endpoints alone over an Orleans cluster client.
/// </summary>
public static class ApiHost
{
    /// <summary>Creates the application from command-line <paramref name="args"/> and the usual configuration sources.</summary>
    /// <param name="args">Command-line arguments; <c>--Section:Key=value</c> overrides configuration.</param>
    /// <param name="configure">Last-chance changes to the builder before it is built (tests, benchmarks).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var grpcEndpoint = new GrpcEndpoint();
        builder.Services.AddSingleton(grpcEndpoint);
        var endpoints = ListenEndpoints.Configure(builder, grpcEndpoint);
        var dashboard = (builder.Configuration.GetSection(SiloEndpointOptions.SectionName).Get<SiloEndpointOptions>() ?? new SiloEndpointOptions()).Dashboard;
        var grid = builder.Configuration.GetSection(ApiOptions.SectionName).GetValue<GridMode?>(nameof(ApiOptions.Grid)) ?? GridMode.Embedded;
        if (grid == GridMode.Client)
        {
            // No silo here: the catalog replica and experiment routing run on this node and call the grid's grains.
            builder.AddInferenceClient(configureClient: client =>
            {
                if (dashboard)
                {
                    client.AddDashboard();
                }
            });
            builder.Services.AddExperimentRouting(builder.Configuration);
        }
        else
        {
            builder.UseInferenceSilo();
        }

        builder.Services.AddInferenceApi(builder.Configuration);
        configure?.Invoke(builder);
        var app = builder.Build();
        WarnIfExposedWithoutKeys(app, endpoints);
        app.MapInferenceApi(dashboard);
        return app;
    }

    /// <summary>
    /// Builds and starts the application; a co-hosted silo with <c>Orleans:SiloPort=0</c> or <c>GatewayPort=0</c>
    /// starts again on fresh ports if a picked one was taken before it bound it (<see cref="SiloStartRetry"/>).
    /// </summary>
    public static Task<WebApplication> StartAsync(string[] args, CancellationToken cancellationToken) =>
        SiloStartRetry.StartAsync(() => Build(args), cancellationToken);

    private static void WarnIfExposedWithoutKeys(WebApplication app, IReadOnlyList<System.Net.IPEndPoint> endpoints)
    {
        var exposed = endpoints.Where(e => !System.Net.IPAddress.IsLoopback(e.Address)).ToArray();
        if (exposed.Length > 0 && !app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Security.AuthOptions>>().Value.Enabled)
        {
            app.Logger.LogWarning(
                "Listening beyond loopback on {Endpoints} without API keys: anyone who can reach the server can deploy models. Set Auth:Enabled and Auth:Keys.",
                string.Join(", ", exposed.Select(e => e.ToString())));
        }
    }
}
