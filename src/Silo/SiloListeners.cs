using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace OrleansInference.Silo;

/// <summary>
/// Logs the silo's listeners once they are bound (the ports picked for port 0 included), in one line an operator or a
/// test can read: <c>Silo listening on 127.0.0.1: silo port 41234, gateway port 41235 (cluster c, service s).</c>
/// </summary>
public sealed partial class SiloListeners(IOptions<EndpointOptions> endpoints, IOptions<ClusterOptions> cluster, ILogger<SiloListeners> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The line's fixed start, for readers that parse it.</summary>
    public const string Marker = "Silo listening on ";

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(SiloListeners), ServiceLifecycleStage.Active, _ =>
        {
            var e = endpoints.Value;
            Log.Listening(logger, e.AdvertisedIPAddress, e.SiloPort, e.GatewayPort, cluster.Value.ClusterId, cluster.Value.ServiceId);
            return Task.CompletedTask;
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = Marker + "{Address}: silo port {SiloPort}, gateway port {GatewayPort} (cluster {ClusterId}, service {ServiceId}).")]
        public static partial void Listening(ILogger logger, System.Net.IPAddress? address, int siloPort, int gatewayPort, string clusterId, string serviceId);
    }
}
