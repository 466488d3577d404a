using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrleansInference.BatchBenchmark;

/// <summary>
/// An open-loop stream of single-row <c>POST /api/v1/predict</c> requests at a fixed rate for a fixed duration. Each
/// latency is measured from the request's scheduled start, so a stalled server shows up in the tail instead of
/// silently lowering the rate (no coordinated omission).
/// </summary>
internal static class RealtimeLoad
{
    public static async Task<LatencySummary> RunAsync(HttpClient client, IReadOnlyList<string> rowsJson, int requestsPerSecond, TimeSpan duration)
    {
        var recorder = new LatencyRecorder();
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var total = (int)(duration.TotalSeconds * requestsPerSecond);
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / requestsPerSecond);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            inFlight.Add(SendAsync(client, rowsJson[i % rowsJson.Count], due, recorder));
        }

        await Task.WhenAll(inFlight);
        return recorder.Summarize(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>The JSON bodies of single-row predictions, one per source row.</summary>
    public static List<string> Bodies(string sourceCsv, int columns) =>
        File.ReadLines(sourceCsv).Skip(1).Where(l => l.Length > 0)
            .Select(l => string.Join(',', l.Split(',').Take(columns).Select(v => float.Parse(v, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture))))
            .Select(values => $$"""{"model":"{{BreastCancerModel.Name}}","features":[{{values}}]}""")
            .ToList();

    private static async Task SendAsync(HttpClient client, string body, long due, LatencyRecorder recorder)
    {
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("api/v1/predict", content);
            await response.Content.LoadIntoBufferAsync();
            if (response.IsSuccessStatusCode)
            {
                recorder.Record(Stopwatch.GetElapsedTime(due).TotalMilliseconds);
            }
            else
            {
                recorder.RecordFailure();
            }
        }
        catch (HttpRequestException)
        {
            recorder.RecordFailure();
        }
    }
}
