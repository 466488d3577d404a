using System.Diagnostics;

namespace OrleansInference.Client.Tests.Infrastructure;

/// <summary>
/// The built API (<c>OrleansInference.Api.dll</c>) with its co-hosted silo as a child process: HTTP on a port the OS
/// picks, no gRPC listener, silo and gateway on 127.0.0.1 ports the silo picks (the gateway's is read from its log),
/// and a private temp folder for the models, the registry and the batch folders.
/// </summary>
internal sealed partial class GridServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly ProcessOutput _output;
    private readonly bool _ownsRoot;

    private GridServerProcess(Process process, ProcessOutput output, string root, int gatewayPort, bool ownsRoot)
    {
        _process = process;
        _output = output;
        Root = root;
        GatewayPort = gatewayPort;
        _ownsRoot = ownsRoot;
    }

    /// <summary>The REST API's base address, once it listens.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The server's private folder.</summary>
    public string Root { get; }

    /// <summary>The silo's gateway port on 127.0.0.1, as the silo reported it once bound (0 for a node without a silo).</summary>
    public int GatewayPort { get; private set; }

    /// <summary>What the server wrote last, for failure messages.</summary>
    public string Output => _output.ToString();

    /// <summary>Starts the server and returns once it listens and <c>/ready</c> answers 200 (start-up done).</summary>
    public static Task<GridServerProcess> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-client-" + Guid.NewGuid().ToString("N"));
        RepositoryPaths.CopyDirectory(RepositoryPaths.Models, Path.Combine(root, "models"));
        // The silo picks its ports (0) and starts again on fresh ones if one is taken; the gateway port is read from its log.
        return StartAsync(root, ownsRoot: true, gatewayPort: 0,
        [
            "--Orleans:SiloPort=0",
            "--Orleans:GatewayPort=0",
            $"--Registry:SqlitePath={Path.Combine(root, "registry.db")}",
            $"--BatchJobs:DataRoot={Path.Combine(root, "batch", "input")}",
            $"--BatchJobs:OutputRoot={Path.Combine(root, "batch", "output")}",
            $"--BatchJobs:StateRoot={Path.Combine(root, "batch", "state")}",
        ]);
    }

    /// <summary>
    /// Starts an API node that hosts no silo (<c>Api:Grid=Client</c>) and calls the grid through the gateway of
    /// <paramref name="silo"/>, sharing its model repository; returns once <c>/ready</c> answers 200.
    /// </summary>
    public static Task<GridServerProcess> StartClientNodeAsync(GridServerProcess silo) =>
        StartAsync(silo.Root, ownsRoot: false, silo.GatewayPort,
        [
            "--Api:Grid=Client",
            $"--InferenceClient:GatewayPorts:0={silo.GatewayPort}",
        ]);

    /// <summary>
    /// Starts an API node that hosts no silo in <paramref name="root"/> (not deleted on dispose) with
    /// <paramref name="arguments"/> naming how it reaches the grid; returns once <c>/ready</c> answers 200.
    /// </summary>
    public static Task<GridServerProcess> StartApiNodeAsync(string root, IEnumerable<string> arguments) =>
        StartAsync(root, ownsRoot: false, gatewayPort: 0, ["--Api:Grid=Client", .. arguments]);

    /// <summary>
    /// Starts an API node that co-hosts a silo in <paramref name="root"/> (not deleted on dispose) with
    /// <paramref name="arguments"/> (cluster mode: <c>Orleans:Redis</c>); returns once <c>/ready</c> answers 200.
    /// </summary>
    public static Task<GridServerProcess> StartSiloNodeAsync(string root, IEnumerable<string> arguments) =>
        StartAsync(root, ownsRoot: false, gatewayPort: 0, arguments);

    private static async Task<GridServerProcess> StartAsync(string root, bool ownsRoot, int gatewayPort, IEnumerable<string> arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "OrleansInference.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--Grpc:Url=");
        start.ArgumentList.Add($"--ModelRepository:RootPath={Path.Combine(root, "models")}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var hostsNoSilo = start.ArgumentList.Contains("--Api:Grid=Client");
        var output = new ProcessOutput();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {dll}.");
        var server = new GridServerProcess(process, output, root, gatewayPort, ownsRoot);
        process.OutputDataReceived += (_, e) =>
        {
            output.Add(e.Data);
            if (server.GatewayPort == 0 && e.Data is not null && ListeningLine().Match(e.Data) is { Success: true } bound)
            {
                server.GatewayPort = int.Parse(bound.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            const string marker = "Now listening on: ";
            var at = e.Data?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(e.Data![(at + marker.Length)..].Trim() + "/"));
            }
        };
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The API process exited with {process.ExitCode} before listening."));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var until = DateTime.UtcNow + StartTimeout;
            var address = await listening.Task.WaitAsync(StartTimeout);
            server.Address = address;
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
            while (true)
            {
                using (var ready = await http.GetAsync("ready"))
                {
                    // A node with a silo is ready for clients once its gateway port was read from its log as well.
                    if (ready.IsSuccessStatusCode && (server.GatewayPort != 0 || hostsNoSilo))
                    {
                        return server;
                    }
                }

                if (DateTime.UtcNow > until)
                {
                    throw new TimeoutException($"The API process did not become ready within {StartTimeout.TotalSeconds} s.");
                }

                await Task.Delay(100);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"The API process did not start: {e.Message}\nOutput:\n{output}", e);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Silo listening on [^:]+: silo port \d+, gateway port (\d+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningLine();

    /// <summary>Kills the process and deletes its folder (unless it shares another node's).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        if (!_ownsRoot)
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
