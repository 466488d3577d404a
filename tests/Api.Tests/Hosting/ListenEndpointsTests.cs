using System.Net;
using OrleansInference.Api.Hosting;

namespace OrleansInference.Api.Tests.Hosting;

public sealed class ListenEndpointsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1:8080")]
    [InlineData("http://localhost:9000", "127.0.0.1:9000")]
    [InlineData("http://*:8080", "0.0.0.0:8080")]
    [InlineData("http://+:81", "0.0.0.0:81")]
    [InlineData("http://[::1]:8081", "[::1]:8081")]
    [InlineData("http://127.0.0.1:0", "127.0.0.1:0")]
    public void Parse_AcceptsHttpUrls(string url, string expected) =>
        Assert.Equal(IPEndPoint.Parse(expected), ListenEndpoints.Parse(url, "Api:Urls"));

    [Theory]
    [InlineData("https://127.0.0.1:8443")]
    [InlineData("http://example.com:80")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("http://127.0.0.1:8080/api")]
    public void Parse_RefusesWhatItCannotBind_NamingTheKey(string url)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ListenEndpoints.Parse(url, "Grpc:Url"));

        Assert.Contains("Grpc:Url", error.Message, StringComparison.Ordinal);
        Assert.Contains(url, error.Message, StringComparison.Ordinal);
    }
}
