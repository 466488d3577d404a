using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Client;

/// <summary>Adds the inference grid's cluster client to a .NET host.</summary>
public static class InferenceClientHostingExtensions
{
    /// <summary>
    /// Adds an Orleans cluster client connected to the grid's gateways and <see cref="InferenceGridClient"/>
    /// as a singleton. <see cref="InferenceClientOptions"/> are bound from the <c>InferenceClient</c>
    /// section, then <paramref name="configure"/> runs; they are validated when the host starts, which fails with a
    /// message naming the key. The host's start connects, retrying for up to <c>ConnectTimeout</c>.
    /// </summary>
    /// <param name="builder">The host's builder; it must not add another Orleans client or silo.</param>
    /// <param name="configure">Changes the options after binding (for example the gateway port from a command line).</param>
    /// <returns>The builder.</returns>
    /// <param name="configureClient">Further changes to the Orleans client (for example the dashboard's client services).</param>
    public static IHostApplicationBuilder AddInferenceClient(
        this IHostApplicationBuilder builder, Action<InferenceClientOptions>? configure = null, Action<IClientBuilder>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<InferenceClientOptions>()
            .BindConfiguration(InferenceClientOptions.SectionName)
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InferenceClientOptions>, InferenceClientOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.UseOrleansClient(client =>
        {
            client.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(IModelGrain).Assembly));
            client.Services.AddOptions<ClusterOptions>().Configure<IOptions<InferenceClientOptions>>(static (cluster, settings) =>
            {
                cluster.ClusterId = settings.Value.ClusterId;
                cluster.ServiceId = settings.Value.ServiceId;
            });
            var redis = RedisOf(builder, configure);
            if (redis.Length > 0)
            {
                client.UseRedisClustering(redis);
                // Silos that join are used within seconds (Orleans' default re-reads the gateway list every minute).
                client.Configure<GatewayOptions>(static o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            }
            else
            {
                client.UseStaticClustering(static gateways => gateways.Configure<IOptions<InferenceClientOptions>>(static (list, settings) =>
                    list.Gateways = [.. GatewayEndpoints.Resolve(settings.Value).Select(static e => e.ToGatewayUri())]));
            }

            client.UseConnectionRetryFilter<GatewayConnectionRetryFilter>();
            client.AddActivityPropagation();
            configureClient?.Invoke(client);
        });
        builder.Services.TryAddSingleton<ReplicaRouter>();
        builder.Services.TryAddSingleton(static sp => new InferenceGridClient(sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<ReplicaRouter>()));
        return builder;
    }

    /// <summary>The configured <see cref="InferenceClientOptions.Redis"/>, read now: it decides which gateway list the client is composed with.</summary>
    private static string RedisOf(IHostApplicationBuilder builder, Action<InferenceClientOptions>? configure)
    {
        var options = builder.Configuration.GetSection(InferenceClientOptions.SectionName).Get<InferenceClientOptions>() ?? new InferenceClientOptions();
        configure?.Invoke(options);
        return options.Redis.Trim();
    }
}
