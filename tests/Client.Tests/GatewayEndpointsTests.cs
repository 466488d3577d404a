namespace OrleansInference.Client.Tests;

/// <summary>Parsing of <c>InferenceClient:Gateways</c> entries.</summary>
public sealed class GatewayEndpointsTests
{
    [Theory]
    [InlineData("127.0.0.1:30000", "127.0.0.1", 30000)]
    [InlineData("[::1]:30001", "::1", 30001)]
    [InlineData("silo-0.grid.internal:65535", "silo-0.grid.internal", 65535)]
    [InlineData("localhost:1", "localhost", 1)]
    public void TryParse_HostAndPort_SplitsThem(string text, string host, int port)
    {
        Assert.True(GatewayEndpoints.TryParse(text, out var parsedHost, out var parsedPort));
        Assert.Equal(host, parsedHost);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1")]
    [InlineData(":30000")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1: 30000")]
    [InlineData("::1:30000")]
    [InlineData("[127.0.0.1]:30000")]
    [InlineData("bad host:30000")]
    public void TryParse_Malformed_IsFalse(string text) => Assert.False(GatewayEndpoints.TryParse(text, out _, out _));

    [Fact]
    public void Resolve_HostName_ResolvesToAnAddress()
    {
        var endpoints = GatewayEndpoints.Resolve(new InferenceClientOptions { Gateways = ["localhost:30000"] });

        var endpoint = Assert.Single(endpoints);
        Assert.True(System.Net.IPAddress.IsLoopback(endpoint.Address), $"localhost resolved to {endpoint.Address}");
        Assert.Equal(30000, endpoint.Port);
    }
}
