using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>Zero-downtime version switches: thousands of requests while the serving version changes back and forth.</summary>
public sealed class VersionSwitchEndToEndTests : IAsyncLifetime
{
    private const int Workers = 8;
    private const int RequestsPerWorker = 400;

    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(settings: new Dictionary<string, string> { ["Models:DrainGracePeriod"] = "00:00:00.200" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SwitchingVersionsUnderLoad_FailsNoRequest()
    {
        var failures = new ConcurrentBag<string>();
        var versions = new ConcurrentDictionary<string, int>();
        var body = """{"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4, "worst radius": 15.1, "worst area": 711.2}}""";
        var completed = 0;

        var load = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < RequestsPerWorker; i++)
            {
                using var response = await _server.Client.PostAsync("api/v1/predict", new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {text}");
                    continue;
                }

                versions.AddOrUpdate((string)JsonNode.Parse(text)!["model_version"]!, 1, (_, n) => n + 1);
                Interlocked.Increment(ref completed);
            }
        })).ToArray();

        var switches = 0;
        var target = "1";
        while (!load.All(t => t.IsCompleted))
        {
            using var deploy = await _server.Client.PostAsJsonAsync("api/v1/models/breast-cancer/deploy", new { version = target, traffic_percentage = 100 });
            Assert.Equal(HttpStatusCode.OK, deploy.StatusCode);
            switches++;
            target = target == "1" ? "2" : "1";
            await Task.Delay(100);
        }

        await Task.WhenAll(load);
        Assert.Empty(failures);
        Assert.Equal(Workers * RequestsPerWorker, completed);
        Assert.True(switches >= 3, $"only {switches} switches happened during the load");
        Assert.True(versions.GetValueOrDefault("1") > 0 && versions.GetValueOrDefault("2") > 0, $"served: {string.Join(", ", versions)}");
    }
}
