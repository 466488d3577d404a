using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Batch;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Operator;

/// <summary>
/// What the operator page has to show, made through the public API of a server: an A/B experiment on breast-cancer
/// (versions 1 and 2), a batch job on breast-cancer, and predictions on iris and breast-cancer sent in the background
/// until stopped (bounded in count and time).
/// </summary>
internal sealed class OperatorTraffic : IAsyncDisposable
{
    /// <summary>The experiment's id.</summary>
    public const string ExperimentId = "operator-ab";

    /// <summary>Rows of the batch job.</summary>
    public const int BatchRows = 40;

    private const int MaxRequests = 50_000;
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(3);
    private const string IrisBody = """{"model": "iris", "features": [[5.1, 3.5, 1.4, 0.2]]}""";

    private readonly CancellationTokenSource _stop = new(MaxDuration);
    private readonly List<Task> _senders = [];
    private long _sent;
    private long _failed;

    private OperatorTraffic(HttpClient client) => Client = client;

    private HttpClient Client { get; }

    /// <summary>Predictions answered so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Creates the experiment and the batch job; returns the job's id.</summary>
    public static async Task<string> SetUpAsync(ApiServer server)
    {
        using var experiment = await server.Client.PostAsync("api/v1/experiments", Json($$"""
            {"id": "{{ExperimentId}}", "model": "breast-cancer", "planned_sample_size": 20,
             "variants": [{"name": "control", "version": "1", "weight": 50, "baseline": true}, {"name": "treatment", "version": "2", "weight": 50}]}
            """));
        Assert.True(experiment.StatusCode == HttpStatusCode.Created, $"create experiment: expected 201, got {(int)experiment.StatusCode}: {await experiment.Content.ReadAsStringAsync()}");
        var inputs = new JsonArray();
        for (var i = 0; i < BatchRows; i++)
        {
            inputs.Add(BatchTestData.Record(i));
        }

        return await BatchJobClient.SubmitAcceptedAsync(server.Client, new JsonObject { ["model"] = "breast-cancer", ["version"] = "2", ["inputs"] = inputs, ["batch_size"] = 8 });
    }

    /// <summary>Starts <paramref name="senders"/> loops of predictions against <paramref name="server"/>.</summary>
    public static OperatorTraffic Start(ApiServer server, int senders)
    {
        var traffic = new OperatorTraffic(new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) });
        for (var i = 0; i < senders; i++)
        {
            var sender = i;
            traffic._senders.Add(Task.Run(() => traffic.SendAsync(sender)));
        }

        return traffic;
    }

    /// <summary>Fails when a prediction failed.</summary>
    public void AssertNoFailures() =>
        Assert.True(Interlocked.Read(ref _failed) == 0, $"{Interlocked.Read(ref _failed)} of the background predictions failed.");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders);
        Client.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(int sender)
    {
        for (var i = 0; !_stop.IsCancellationRequested && Interlocked.Read(ref _sent) < MaxRequests; i++)
        {
            // Every third request goes through the experiment, with a user id so assignment is sticky.
            var body = i % 3 == 0
                ? BreastCancerBody(string.Create(CultureInfo.InvariantCulture, $"user-{sender}-{i % 50}"), i / 3)
                : IrisBody;
            try
            {
                using var response = await Client.PostAsync("api/v1/predict", Json(body), _stop.Token);
                Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _sent : ref _failed);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>A predict body with one of the data set's rows, in turn.</summary>
    private static string BreastCancerBody(string user, int row) => new JsonObject
    {
        ["model"] = "breast-cancer",
        ["user_id"] = user,
        ["features"] = BatchTestData.Record(row % BatchTestData.SourceRows.Count),
    }.ToJsonString();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
