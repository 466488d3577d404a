using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansInference.Silo;

/// <summary>
/// Starts a host that runs a silo, and starts it again on fresh ports when a port picked for <c>Orleans:SiloPort=0</c>
/// or <c>Orleans:GatewayPort=0</c> was taken by another process between the pick and the bind. Orleans advertises its
/// ports in the cluster before it listens, so it cannot bind port 0 itself; the host is built anew per attempt (each
/// build picks new free ports), at most <see cref="MaxAttempts"/> times. A fixed port that is taken fails at once.
/// </summary>
public static partial class SiloStartRetry
{
    /// <summary>How many times a host with picked ports is built and started before the failure is reported.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Builds with <paramref name="build"/> and starts the host; returns it started (the caller runs and disposes it).</summary>
    public static async Task<THost> StartAsync<THost>(Func<THost> build, CancellationToken cancellationToken)
        where THost : IHost
    {
        ArgumentNullException.ThrowIfNull(build);
        for (var attempt = 1; ; attempt++)
        {
            var host = build();
            try
            {
                await host.StartAsync(cancellationToken);
                return host;
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsAddressInUse(ex) && PicksPorts(host))
            {
                var logger = host.Services.GetService<ILoggerFactory>()?.CreateLogger(typeof(SiloStartRetry).FullName!);
                if (logger is not null)
                {
                    Log.PortTaken(logger, attempt, MaxAttempts, ex.Message);
                }

                await StopQuietlyAsync(host);
            }
            catch
            {
                await StopQuietlyAsync(host);
                throw;
            }
        }
    }

    /// <summary>True when <paramref name="exception"/> or one it wraps says a listener's address is in use.</summary>
    public static bool IsAddressInUse(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.GetType().Name == "AddressInUseException")
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse))
            {
                return true;
            }
        }

        return false;
    }

    private static bool PicksPorts(IHost host)
    {
        var options = host.Services.GetService<IConfiguration>()?.GetSection(SiloEndpointOptions.SectionName).Get<SiloEndpointOptions>() ?? new SiloEndpointOptions();
        return options.SiloPort == 0 || options.GatewayPort == 0;
    }

    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(bound.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The host never started; what it managed to open is released by disposal below.
        }

        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "A picked silo or gateway port was taken before the silo bound it (attempt {Attempt} of {MaxAttempts}): {Reason} Starting again on fresh ports.")]
        public static partial void PortTaken(ILogger logger, int attempt, int maxAttempts, string reason);
    }
}
