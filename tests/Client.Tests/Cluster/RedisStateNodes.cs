using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansInference.Client.Tests.Infrastructure;

namespace OrleansInference.Client.Tests.Cluster;

/// <summary>
/// A redis-server with AOF persistence (<c>--appendonly yes --appendfsync always</c>) in its own folder, which a test can
/// kill (SIGKILL) and start again on the same port with the same data, as an operator restarting Redis would.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private const string Server = "/usr/bin/redis-server";
    private readonly string _directory;
    private Process? _process;
    private ProcessOutput _output = new();

    private RedisServer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>What the server wrote last.</summary>
    public string Output => _output.ToString();

    /// <summary>Starts a server on a free port, its AOF in <paramref name="directory"/>; returns once it accepts connections.</summary>
    public static async Task<RedisServer> StartAsync(string directory)
    {
        Assert.True(File.Exists(Server), $"{Server} is missing: install Debian's redis-server (.ci/run does).");
        Directory.CreateDirectory(directory);
        var redis = new RedisServer(LoopbackPorts.Free(1)[0], directory);
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>SIGKILL: the server stops at once; what it acknowledged is in its AOF (fsync on every write).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Starts the server again on the same port and folder (its AOF is replayed); returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            _process?.Dispose();
            _output = new ProcessOutput();
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var start = new ProcessStartInfo(Server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[]
            {
                "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
                "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
            var output = _output;
            process.OutputDataReceived += (_, e) =>
            {
                output.Add(e.Data);
                if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
                {
                    ready.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, e) => output.Add(e.Data);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"redis-server exited:\n{output}"));
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            try
            {
                await ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < until && output.ToString().Contains("Address already in use", StringComparison.Ordinal))
            {
                // The old socket may linger a moment after a kill; the port is this test's, so try again shortly.
                await Task.Delay(500);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}

/// <summary>
/// Nodes of a cluster-mode test on one host: silos (src/SiloHost) on ports they pick themselves (0), each with a private
/// SQLite registry path (so what a new silo knows can only have come from Redis), sharing the model repository and
/// the batch folders; API nodes without a silo that find the gateways in Redis.
/// </summary>
internal sealed partial class RedisStateNodes(string root, RedisServer redis, string clusterId)
{
    /// <summary>The shared batch input folder.</summary>
    public string DataRoot => Path.Combine(root, "batch", "input");

    /// <summary>The shared batch output folder.</summary>
    public string OutputRoot => Path.Combine(root, "batch", "output");

    /// <summary>Starts a silo on ports it picks (0) and checks that it reports the ports it bound, and listens on them.</summary>
    public async Task<ClusterProcess> StartSiloAsync(IEnumerable<string>? extra = null)
    {
        var name = "silo-" + Guid.NewGuid().ToString("N")[..8];
        var silo = await ClusterProcess.StartSiloAsync(root,
        [
            $"--Orleans:Redis={redis.Configuration}",
            $"--Orleans:ClusterId={clusterId}",
            "--Orleans:SiloPort=0",
            "--Orleans:GatewayPort=0",
            "--Orleans:Dashboard=false",
            $"--ModelRepository:RootPath={Path.Combine(root, "models")}",
            $"--Registry:SqlitePath={Path.Combine(root, name, "registry.db")}",
            $"--Reminders:SqlitePath={Path.Combine(root, name, "reminders.db")}",
            $"--BatchJobs:DataRoot={DataRoot}",
            $"--BatchJobs:OutputRoot={OutputRoot}",
            $"--BatchJobs:StateRoot={Path.Combine(root, "batch", "state")}",
            .. extra ?? [],
        ]);
        var (siloPort, gatewayPort) = await ListeningPortsAsync(silo);
        Assert.NotEqual(0, siloPort);
        Assert.NotEqual(0, gatewayPort);
        using var probe = new System.Net.Sockets.TcpClient();
        await probe.ConnectAsync(IPAddress.Loopback, gatewayPort);
        return silo;
    }

    /// <summary>Starts an API node that hosts no silo and finds the gateways in Redis.</summary>
    public Task<GridServerProcess> StartApiNodeAsync() =>
        GridServerProcess.StartApiNodeAsync(root, [$"--InferenceClient:Redis={redis.Configuration}", $"--InferenceClient:ClusterId={clusterId}"]);

    /// <summary>The ports a silo reported in its "Silo listening on" line.</summary>
    public static async Task<(int SiloPort, int GatewayPort)> ListeningPortsAsync(ClusterProcess silo)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var match = ListeningLine().Match(silo.Output);
            if (match.Success)
            {
                return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
            }

            Assert.True(DateTime.UtcNow < until, $"The silo did not report its listeners:\n{silo.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Writes a CSV of <paramref name="rows"/> rows cycling through the breast-cancer data set into the input folder.</summary>
    public async Task WriteCsvAsync(string name, int rows)
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Models, "breast-cancer", "2", "config.json")))!;
        var header = string.Join(',', config["feature_names"]!.AsArray().Select(n => (string)n!)) + ",target";
        var source = File.ReadLines(Path.Combine(RepositoryPaths.Root, "data", "breast_cancer.csv")).Skip(1).Where(l => l.Length > 0).ToList();
        Directory.CreateDirectory(DataRoot);
        await using var writer = new StreamWriter(Path.Combine(DataRoot, name), append: false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteAsync(header + "\n");
        for (var i = 0; i < rows; i++)
        {
            await writer.WriteAsync(source[i % source.Count] + "\n");
        }
    }

    /// <summary>Submits a CSV batch job; returns the response.</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body, string? RetryAfter)> SubmitAsync(HttpClient http, string input, string output, int chunkRows)
    {
        using var response = await http.PostAsJsonAsync("api/v1/batch", new JsonObject
        {
            ["model"] = "breast-cancer", ["version"] = "2", ["input_uri"] = input, ["format"] = "csv", ["output_uri"] = output, ["batch_size"] = chunkRows,
        });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.RetryAfter?.ToString());
    }

    /// <summary>The job's status, or null when the answer was not 200 (a 503 while the grid recovers).</summary>
    public static async Task<JsonNode?> StatusAsync(HttpClient http, string jobId)
    {
        using var response = await http.GetAsync($"api/v1/batch/{jobId}");
        return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    /// <summary>Polls until the job is final (answers other than 200 are retried); fails after <paramref name="timeout"/>.</summary>
    public static async Task<JsonNode> WaitFinalAsync(HttpClient http, string jobId, TimeSpan timeout, Func<string> diagnostics)
    {
        var until = DateTime.UtcNow + timeout;
        JsonNode? last = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                last = await StatusAsync(http, jobId) ?? last;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if ((string?)last?["state"] is "succeeded" or "failed" or "cancelled")
            {
                return last!;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"Job {jobId} was not final after {timeout.TotalSeconds} s: {last?.ToJsonString()}\n{diagnostics()}");
        return null!;
    }

    [GeneratedRegex(@"Silo listening on [^:]+: silo port (\d+), gateway port (\d+)")]
    private static partial Regex ListeningLine();
}

/// <summary>
/// A test class's own redis-server (with its append-only file) and cluster nodes in a private folder holding a copy of
/// the demo models; every process the test starts is added to <see cref="Owned"/> and stopped, newest first, before
/// Redis and the folder go.
/// </summary>
public abstract class RedisStateTestBase(string folderPrefix) : IAsyncLifetime
{
    protected string Root { get; } = Path.Combine(Path.GetTempPath(), folderPrefix + Guid.NewGuid().ToString("N"));

    protected List<IAsyncDisposable> Owned { get; } = [];

    internal RedisServer Redis { get; private set; } = null!;

    internal RedisStateNodes Nodes { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        RepositoryPaths.CopyDirectory(RepositoryPaths.Models, Path.Combine(Root, "models"));
        Redis = await RedisServer.StartAsync(Path.Combine(Root, "redis"));
        Nodes = new RedisStateNodes(Root, Redis, "test-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(Owned))
        {
            await owned.DisposeAsync();
        }

        await Redis.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
