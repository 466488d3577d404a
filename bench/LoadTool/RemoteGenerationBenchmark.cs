using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using static OrleansInference.LoadTool.GenerationBenchmark;

namespace OrleansInference.LoadTool;

/// <summary>
/// <c>generation-client [--out FILE] [--streams N] [--tokens N] [--rounds N]</c>: the same SSE streams on kjv-gpt
/// sent to the node that hosts the silo and to an API node that hosts none (<c>Api:Grid=Client</c>, its grain calls
/// going through the silo's gateway), one stream and N concurrent streams, the two nodes' rounds alternating so both
/// see the same machine load. Writes a Markdown section (printed, and to FILE when given).
/// </summary>
internal static class RemoteGenerationBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var output = args.Contains("--out") ? Path.GetFullPath(Arg("--out", "")) : null;
        var streams = int.Parse(Arg("--streams", "16"), CultureInfo.InvariantCulture);
        var tokens = int.Parse(Arg("--tokens", "128"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(Arg("--rounds", "5"), CultureInfo.InvariantCulture);
        var root = FindRepositoryRoot();
        var work = Path.Combine(Path.GetTempPath(), "oi-generation-client-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var gatewayPort = FreePort();
            string[] common =
            [
                $"--contentRoot={Path.Combine(root, "src", "Api")}",
                $"--ModelRepository:RootPath={Path.Combine(root, "models")}",
                $"--Registry:SqlitePath={Path.Combine(work, "registry.db")}",
                "--Generation:MaxActiveSequences=32",
                "--Generation:MaxQueuedRequests=256",
            ];
            Console.WriteLine("Starting the silo node ...");
            await using var silo = await ServerProcess.StartAsync("serve-grid", [.. common, $"--Orleans:GatewayPort={gatewayPort}"],
                cpuList: null, Path.Combine(work, "silo.log"), TimeSpan.FromMinutes(5));
            Console.WriteLine("Starting the client node ...");
            await using var clientNode = await ServerProcess.StartAsync("serve-grid", [.. common, "--Api:Grid=Client", $"--InferenceClient:GatewayPorts:0={gatewayPort}"],
                cpuList: null, Path.Combine(work, "client.log"), TimeSpan.FromMinutes(5));
            using var local = new HttpClient { BaseAddress = new Uri($"http://{silo.Endpoint}/"), Timeout = TimeSpan.FromMinutes(10) };
            using var remote = new HttpClient { BaseAddress = new Uri($"http://{clientNode.Endpoint}/"), Timeout = TimeSpan.FromMinutes(10) };
            await WaitReadyAsync(local);
            await WaitReadyAsync(remote);
            await RoundAsync(local, 4, tokens); // warm-up
            await RoundAsync(remote, 4, tokens);

            var rows = new List<(string Node, int Streams, Measurement M)>();
            foreach (var n in new[] { 1, streams })
            {
                var onSilo = new List<Measurement>();
                var onClient = new List<Measurement>();
                for (var r = 0; r < rounds; r++)
                {
                    onSilo.Add(await RoundAsync(local, n, tokens));
                    onClient.Add(await RoundAsync(remote, n, tokens));
                }

                rows.Add(("silo's own node", n, Measurement.Combine([.. onSilo])));
                rows.Add(("client node (Api:Grid=Client)", n, Measurement.Combine([.. onClient])));
                Console.WriteLine($"  {n} stream(s), silo node: {rows[^2].M.Summary()}");
                Console.WriteLine($"  {n} stream(s), client node: {rows[^1].M.Summary()}");
            }

            var report = Report(rows, tokens, rounds);
            Console.WriteLine();
            Console.WriteLine(report);
            if (output is not null)
            {
                await File.WriteAllTextAsync(output, report);
                Console.WriteLine($"Wrote {output}");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return 0;
    }

    private static string Report(List<(string Node, int Streams, Measurement M)> rows, int tokens, int rounds)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run --project bench/LoadTool -c Release -- generation-client` on {Environment.ProcessorCount} shared cores ({RuntimeNote()}), {DateTime.UtcNow:yyyy-MM-dd}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Two processes: a node that hosts the silo (32 slots) and an API node that hosts none, whose grain calls go through the silo's gateway; prompt \"And God said\", {tokens} tokens per stream, temperature 0.8; {rounds} rounds per row, the two nodes' rounds alternating; the load generator runs in a third process on the same cores.");
        text.AppendLine();
        text.AppendLine("| node | streams | first token p50 | inter-token p50 | inter-token p99 | tokens/s per stream (median) | tokens/s total | time per token, client ÷ silo node |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < rows.Count; i++)
        {
            var (node, streams, m) = rows[i];
            var ratio = i % 2 == 1 ? string.Create(CultureInfo.InvariantCulture, $"{rows[i - 1].M.StreamTokensPerSecondMedian / m.StreamTokensPerSecondMedian:F2}×") : "";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {node} | {streams} | {m.FirstTokenP50 * 1000:F1} ms | {m.GapP50 * 1000:F2} ms | {m.GapP99 * 1000:F2} ms | {m.StreamTokensPerSecondMedian:F0} | {m.TotalTokensPerSecond:F0} | {ratio} |"));
        }

        return text.ToString();
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                using var ready = await client.GetAsync("ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
            }

            if (DateTime.UtcNow > until)
            {
                throw new InvalidOperationException($"{client.BaseAddress} did not become ready within 2 minutes.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A port the OS reports free on 127.0.0.1, released on return so the silo can bind it.</summary>
    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
