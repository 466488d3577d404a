using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.BatchJobs;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Models;
using OrleansInference.Grains.Reminders;
using OrleansInference.Grains.Telemetry;
using OrleansInference.Silo.Caching;
using OrleansInference.Silo.State;

namespace OrleansInference.Silo;

/// <summary>The silo's composition, shared by the embedded default (the API co-hosting a silo) and standalone silo hosts.</summary>
public static class InferenceSiloBuilderExtensions
{
    /// <summary>
    /// Adds the grid's grains and what they need on a silo: model repository, registry and catalog, ONNX Runtime, the
    /// local serving directory, experiments, batch jobs, durable reminders and start-up loading of the serving versions. Options are bound
    /// from <paramref name="configuration"/> and validated at start-up.
    /// </summary>
    public static ISiloBuilder AddInferenceGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var services = silo.Services;
        services.AddModelServing(configuration);
        services.AddExperiments(configuration);
        services.AddBatchJobs(configuration);
        silo.AddSqliteReminders(configuration);
        // Grain calls carry the caller's trace context and start spans only while a tracer listens (docs/metrics.md).
        silo.AddActivityPropagation();
        services.AddSingleton<SiloStartup>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<SiloStartup>());
        services.AddSingleton<IStartupProgress>(static sp => sp.GetRequiredService<SiloStartup>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloListeners>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<GpuMetrics>());
        return silo;
    }

    /// <summary>
    /// Hosts a silo in <paramref name="builder"/>'s process with the ports and address of
    /// <see cref="SiloEndpointOptions"/>, the grid's grains and, unless disabled, the Orleans dashboard's data. Without
    /// <c>Orleans:Redis</c> (the embedded default) it is one silo clustered on loopback with its durable state and reminders
    /// in SQLite; with it, the silo joins the cluster whose membership, reminders and durable state (registry,
    /// experiments, batch jobs) that Redis holds (cluster mode).
    /// </summary>
    public static IHostApplicationBuilder UseInferenceSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpoints = builder.Configuration.GetSection(SiloEndpointOptions.SectionName).Get<SiloEndpointOptions>() ?? new SiloEndpointOptions();
        SiloEndpointOptionsValidator.ThrowIfInvalid(endpoints);
        var address = IPAddress.Parse(endpoints.Address);
        var siloPort = endpoints.SiloPort == 0 ? FreePort(address) : endpoints.SiloPort;
        var gatewayPort = endpoints.GatewayPort == 0 ? FreePort(address) : endpoints.GatewayPort;
        builder.Services.AddOptions<SiloEndpointOptions>().BindConfiguration(SiloEndpointOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.UseOrleans(silo =>
        {
            if (string.IsNullOrWhiteSpace(endpoints.Redis))
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: endpoints.ServiceId, clusterId: endpoints.ClusterId);
            }
            else
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = endpoints.ClusterId;
                    o.ServiceId = endpoints.ServiceId;
                });
                silo.UseRedisClustering(endpoints.Redis);

                // Registered before the grains' SQLite stores, which then stand aside: registry, experiments and
                // batch jobs live in the same Redis, so any silo on any host serves and resumes them.
                silo.Services.AddRedisState(endpoints.Redis, endpoints.ServiceId);
                // Registered before the grains' SQLite reminder table, which then stands aside.
                silo.UseRedisReminderService(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(endpoints.Redis));
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    // A dead silo is declared dead after about 3 s of missed probes instead of Orleans' ~30 s default,
                    // so its versions come back on the survivors quickly; see docs/cluster.md.
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.NumVotesForDeathDeclaration = 1;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
                });
            }

            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = address;
                o.SiloPort = siloPort;
                o.GatewayPort = gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(address, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(address, gatewayPort);
            });
            // Results are cached in each silo's memory, or shared through Redis in cluster mode (docs/cluster.md#result-cache).
            silo.Services.AddResultCacheStore(builder.Configuration, endpoints.Redis, endpoints.ServiceId);
            silo.AddInferenceGrains(builder.Configuration);
            if (endpoints.Dashboard)
            {
                silo.AddDashboard();
            }
        });
        return builder;
    }

    /// <summary>
    /// A port free on <paramref name="address"/> now; the silo binds it moments later, and another process may take it
    /// in between: <see cref="SiloStartRetry"/> then builds the host again with fresh ports.
    /// </summary>
    private static int FreePort(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
