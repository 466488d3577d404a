using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Client.Tests.Infrastructure;

namespace OrleansInference.Client.Tests;

/// <summary>Options binding and start-up validation of the client, without a server.</summary>
public sealed class InferenceClientOptionsTests
{
    [Fact]
    public void Options_NothingConfigured_MatchTheEmbeddedServer()
    {
        using var host = ClientHosts.Build(new Dictionary<string, string>());

        var options = host.Services.GetRequiredService<IOptions<InferenceClientOptions>>().Value;

        Assert.Equal("orleans-inference", options.ClusterId);
        Assert.Equal("orleans-inference", options.ServiceId);
        Assert.Equal("127.0.0.1:30000", Assert.Single(GatewayEndpoints.Resolve(options)).ToString());
    }

    [Fact]
    public void Options_GatewaysAndPorts_GatewaysWin()
    {
        using var host = ClientHosts.Build(new Dictionary<string, string>
        {
            ["GatewayPorts:0"] = "31000",
            ["Gateways:0"] = "127.0.0.1:32000",
            ["Gateways:1"] = "[::1]:32001",
        });

        var options = host.Services.GetRequiredService<IOptions<InferenceClientOptions>>().Value;

        Assert.Equal(["127.0.0.1:32000", "[::1]:32001"], GatewayEndpoints.Resolve(options).Select(static e => e.ToString()));
    }

    [Theory]
    [InlineData("GatewayPorts:0", "70000", "InferenceClient:GatewayPorts:0 is 70000")]
    [InlineData("Gateways:0", "127.0.0.1", "InferenceClient:Gateways:0 is '127.0.0.1'")]
    [InlineData("Gateways:0", "127.0.0.1:0", "InferenceClient:Gateways:0 is '127.0.0.1:0'")]
    [InlineData("ClusterId", " ", "InferenceClient:ClusterId is empty")]
    [InlineData("ConnectTimeout", "00:00:00.100", "InferenceClient:ConnectTimeout is 00:00:00.1000000")]
    public async Task StartAsync_InvalidSetting_FailsWithAMessageNamingTheKey(string key, string value, string expected)
    {
        using var host = ClientHosts.Build(new Dictionary<string, string> { [key] = value });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(timeout.Token));

        var messages = error is AggregateException all ? string.Join(" ", all.InnerExceptions.Select(static e => e.Message)) : error.Message;
        Assert.Contains(expected, messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NoGatewayListening_FailsOnceTheConnectTimeoutPassed()
    {
        var port = LoopbackPorts.Free(1)[0];
        using var host = ClientHosts.Build(new Dictionary<string, string>
        {
            ["GatewayPorts:0"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ConnectTimeout"] = "00:00:01",
            ["ConnectRetryDelay"] = "00:00:00.100",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var started = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(timeout.Token));

        Assert.False(timeout.IsCancellationRequested, "start-up should give up on its own after ConnectTimeout, not run into the test's 30 s bound");
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(20));
    }
}
