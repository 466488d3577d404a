using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansInference.Silo;

namespace OrleansInference.Client.Tests.Cluster;

/// <summary>
/// The start retry behind <c>Orleans:SiloPort=0</c>: a host whose listener meets a port another socket holds (a real
/// AddressInUse from the OS) is built and started again, up to the bound, but only when the ports are picked (0).
/// </summary>
public sealed class SiloStartRetryTests
{
    [Fact]
    public async Task TakenPickedPort_StartsAgain_OnTheNextBuild()
    {
        using var holder = Listen(0);
        var taken = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var builds = 0;
        using var host = await SiloStartRetry.StartAsync(() => Build(++builds == 1 ? taken : 0, siloPort: "0"), CancellationToken.None);
        Assert.Equal(2, builds);
        await host.StopAsync();
    }

    [Fact]
    public async Task TakenPickedPort_EveryTime_FailsAfterTheBound_NamingTheAddressInUse()
    {
        using var holder = Listen(0);
        var taken = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var builds = 0;
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => SiloStartRetry.StartAsync(() => Build(taken, siloPort: "0", count: () => builds++), CancellationToken.None));
        Assert.True(SiloStartRetry.IsAddressInUse(failure), failure.ToString());
        Assert.Equal(SiloStartRetry.MaxAttempts, builds);
    }

    [Fact]
    public async Task TakenFixedPort_FailsAtOnce()
    {
        using var holder = Listen(0);
        var taken = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var builds = 0;
        await Assert.ThrowsAnyAsync<Exception>(() => SiloStartRetry.StartAsync(() => Build(taken, siloPort: "11111", count: () => builds++), CancellationToken.None));
        Assert.Equal(1, builds);
    }

    private static IHost Build(int port, string siloPort, Action? count = null)
    {
        count?.Invoke();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Orleans:SiloPort"] = siloPort, ["Orleans:GatewayPort"] = siloPort });
        builder.Services.AddSingleton<IHostedService>(new Listener(port));
        return builder.Build();
    }

    private static Socket Listen(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen();
        return socket;
    }

    /// <summary>A listener on a given port, bound at start as a silo binds its endpoints.</summary>
    private sealed class Listener(int port) : IHostedService, IDisposable
    {
        private Socket? _socket;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _socket = Listen(port);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose() => _socket?.Dispose();
    }
}
