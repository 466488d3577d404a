namespace OrleansInference.BatchBenchmark;

/// <summary>Keeps one batch job running back to back until stopped, then cancels the one in flight; counts the jobs finished.</summary>
internal sealed class JobLoad(HttpClient client, string inputUri, int chunkRows)
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private string? _current;

    public int JobsSucceeded { get; private set; }

    /// <summary>Submits the first job and returns once it is running.</summary>
    public async Task StartAsync()
    {
        _current = await BatchJobRunner.SubmitAsync(client, inputUri, chunkRows);
        while (true)
        {
            var status = await client.GetStringAsync($"api/v1/batch/{_current}");
            if (!status.Contains("\"queued\"", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(10);
        }

        _loop = LoopAsync(_stop.Token);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop!;
        }
        catch (OperationCanceledException)
        {
        }

        if (_current is not null)
        {
            using var response = await client.DeleteAsync($"api/v1/batch/{_current}");
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (true)
        {
            var status = await BatchJobRunner.WaitFinalAsync(client, _current!, TimeSpan.FromMinutes(30), null, ct);
            if ((string)status["state"]! != "succeeded")
            {
                throw new InvalidOperationException($"Background job {_current} ended {(string)status["state"]!}: {status.ToJsonString()}");
            }

            JobsSucceeded++;
            _current = null;
            _current = await BatchJobRunner.SubmitAsync(client, inputUri, chunkRows, ct);
        }
    }
}
