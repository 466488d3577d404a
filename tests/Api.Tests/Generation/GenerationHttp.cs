using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Generation;

/// <summary>Requests and metric reads shared by the generation tests.</summary>
internal static partial class GenerationHttp
{
    public const string Model = "kjv-gpt";
    public const string EmbedModel = "kjv-embed";

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>Posts and returns once the headers arrived, leaving the body to be read as it streams.</summary>
    public static async Task<HttpResponseMessage> PostStreamingAsync(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>The value of one series in <c>GET /metrics</c>; 0 when absent.</summary>
    public static async Task<double> MetricAsync(HttpClient client, string series)
    {
        var text = await client.GetStringAsync("metrics");
        return Sample(text, series);
    }

    /// <summary>
    /// The value of <paramref name="series"/> (<c>name{label="value",...}</c>) in an exposition: the sum of the samples
    /// with that name whose labels include every one given, in any order and beside others (the exporter adds its
    /// own, such as <c>otel_scope_name</c>); 0 when none.
    /// </summary>
    public static double Sample(string exposition, string series)
    {
        var brace = series.IndexOf('{', StringComparison.Ordinal);
        var name = brace < 0 ? series : series[..brace];
        var wanted = brace < 0 ? [] : Labels().Matches(series[brace..]).Select(static m => (m.Groups[1].Value, m.Groups[2].Value)).ToArray();
        var total = 0.0;
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || (line[name.Length] != '{' && line[name.Length] != ' '))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var labels = Labels().Matches(line[..space]).Select(static m => (m.Groups[1].Value, m.Groups[2].Value)).ToHashSet();
            if (wanted.All(labels.Contains))
            {
                total += double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial Regex Labels();

    /// <summary>Polls <paramref name="series"/> until it equals <paramref name="expected"/> (at most 10 s); returns the last value.</summary>
    public static async Task<double> WaitForMetricAsync(HttpClient client, string series, double expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await MetricAsync(client, series);
            if (value == expected || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }

    public static string Active(string model = Model) => $$"""oi_generation_sequences_active{model="{{model}}",version="1"}""";

    public static string Queued(string model = Model) => $$"""oi_generation_requests_queued{model="{{model}}",version="1"}""";

    public static string Finished(string reason, string model = Model) => $$"""oi_generation_sequences_total{model="{{model}}",version="1",reason="{{reason}}"}""";
}

/// <summary>A server over the demo models, shared by a test class.</summary>
public sealed class GenerationServerFixture : IAsyncLifetime
{
    private ApiServer? _server;

    public ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
