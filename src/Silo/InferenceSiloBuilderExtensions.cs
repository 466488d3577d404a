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
        services.AddSingleton<SiloStartup>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<SiloStartup>());
        services.AddSingleton<IStartupProgress>(static sp => sp.GetRequiredService<SiloStartup>());
        return silo;
    }

    /// <summary>
    /// Co-hosts one silo in <paramref name="builder"/>'s process (the embedded default): localhost clustering on
    /// 127.0.0.1 with the ports of <see cref="SiloEndpointOptions"/>, the grid's grains and, unless disabled, the
    /// Orleans dashboard's data.
    /// </summary>
    public static IHostApplicationBuilder UseEmbeddedInferenceSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpoints = builder.Configuration.GetSection(SiloEndpointOptions.SectionName).Get<SiloEndpointOptions>() ?? new SiloEndpointOptions();
        SiloEndpointOptionsValidator.ThrowIfInvalid(endpoints);
        var siloPort = endpoints.SiloPort == 0 ? FreeLoopbackPort() : endpoints.SiloPort;
        var gatewayPort = endpoints.GatewayPort == 0 ? FreeLoopbackPort() : endpoints.GatewayPort;
        builder.Services.AddOptions<SiloEndpointOptions>().BindConfiguration(SiloEndpointOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: endpoints.ServiceId, clusterId: endpoints.ClusterId);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });
            silo.AddInferenceGrains(builder.Configuration);
            if (endpoints.Dashboard)
            {
                silo.AddDashboard();
            }
        });
        return builder;
    }

    /// <summary>A port free on 127.0.0.1 now; the silo binds it moments later.</summary>
    private static int FreeLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
