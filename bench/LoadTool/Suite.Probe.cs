namespace OrleansInference.LoadTool;

/// <summary>
/// <c>probe --request NAME [--system grid|baseline] [--c N,...] [--seconds S] [--warmup S] [--rate R]</c>: one request
/// against one server, for investigating a figure without the whole run.
/// </summary>
internal sealed partial class Suite
{
    public async Task<int> ProbeAsync(IReadOnlyList<string> args)
    {
        string Arg(string name, string fallback)
        {
            var index = args.ToList().IndexOf(name);
            return index >= 0 && index + 1 < args.Count ? args[index + 1] : fallback;
        }

        var name = Arg("--request", PredictScenario);
        var system = Arg("--system", Grid);
        var concurrencies = Arg("--c", "1,8,32").Split(',').Select(int.Parse).ToArray();
        var seconds = double.Parse(Arg("--seconds", "4"), System.Globalization.CultureInfo.InvariantCulture);
        var warmup = double.Parse(Arg("--warmup", "10"), System.Globalization.CultureInfo.InvariantCulture);
        var rate = double.Parse(Arg("--rate", "0"), System.Globalization.CultureInfo.InvariantCulture);
        var repository = BenchRepository.Create(_repoRoot, _options.WideHidden, _options.BatchSizes, _options.MaxQueueDelayUs);
        var requests = BuildRequests();
        if (Arg("--queue-delay-us", string.Empty) is { Length: > 0 } delay)
        {
            // Overrides breast-cancer v2's max_queue_delay_us in the run's private repository.
            var path = Path.Combine(repository.ModelRoot, "breast-cancer", "2", "config.json");
            var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
            config["batching"]!["max_queue_delay_us"] = int.Parse(delay, System.Globalization.CultureInfo.InvariantCulture);
            File.WriteAllText(path, config.ToJsonString());
        }

        ServerProcess? baseline = null;
        try
        {
            await using var grid = await ServerProcess.StartAsync("serve-grid",
            [
                $"--contentRoot={Path.Combine(_repoRoot, "src", "Api")}",
                $"--ModelRepository:RootPath={repository.ModelRoot}",
                $"--Registry:SqlitePath={Path.Combine(repository.Root, "registry.db")}",
            ], _serverCpus, Path.Combine(repository.Root, "grid.log"), TimeSpan.FromMinutes(5));
            await SaveConstantResponsesAsync(grid.Endpoint, requests, Path.Combine(repository.Root, "responses"));
            if (system != Grid)
            {
                baseline = await ServerProcess.StartAsync("serve-baseline", ["--responses", Path.Combine(repository.Root, "responses")], _serverCpus,
                    Path.Combine(repository.Root, "baseline.log"), TimeSpan.FromMinutes(1));
            }

            var server = baseline ?? grid;
            var target = requests[name].For(system, server.Endpoint);
            await LoadRunner.ClosedLoopAsync(target, 16, TimeSpan.FromSeconds(warmup));
            foreach (var concurrency in concurrencies)
            {
                if (rate > 0)
                {
                    await OpenAsync(server, target, rate, TimeSpan.FromSeconds(seconds), concurrency, "open");
                }
                else
                {
                    await ClosedAsync(server, target, concurrency, TimeSpan.FromSeconds(seconds));
                }
            }
        }
        finally
        {
            if (baseline is not null)
            {
                await baseline.DisposeAsync();
            }

            // The copied and generated models (~300 MB) go; the server logs stay for the investigation.
            TryDelete(repository.ModelRoot);
        }

        Log($"Logs in {repository.Root}");
        return 0;
    }
}
