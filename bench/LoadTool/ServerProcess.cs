using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansInference.LoadTool;

/// <summary>
/// A server the tool runs as its own child process (this executable with a <c>serve-*</c> command), pinned to one
/// core with <c>taskset</c> when the machine has more than one, so the load generator and the server do not share a core.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _control;

    private ServerProcess(Process process, IPEndPoint endpoint)
    {
        _process = process;
        Endpoint = endpoint;
        _control = new HttpClient { BaseAddress = new Uri($"http://{endpoint}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>Starts <c>this-tool {command} {args}</c> and waits for its <c>LISTENING</c> line.</summary>
    public static async Task<ServerProcess> StartAsync(string command, IReadOnlyList<string> args, string? cpuList, string logPath, TimeSpan timeout)
    {
        var (fileName, prefix) = SelfCommand();
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (cpuList is not null)
        {
            start.FileName = "taskset";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpuList);
            start.ArgumentList.Add(fileName);
        }
        else
        {
            start.FileName = fileName;
        }

        foreach (var arg in prefix.Append(command).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[LoadToolProgram.PinnedVariable] = "1";
        start.Environment[LoadToolProgram.TieringVariable] = "1";
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{fileName} {command}'.");
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException($"Server '{command}' exited before listening; see {logPath}."));
                return;
            }

            lock (log)
            {
                log.WriteLine(e.Data);
            }

            if (e.Data.StartsWith(LoadToolProgram.ListeningPrefix, StringComparison.Ordinal))
            {
                var uri = new Uri(e.Data[LoadToolProgram.ListeningPrefix.Length..].Trim());
                listening.TrySetResult(new IPEndPoint(IPAddress.Loopback, uri.Port));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var endpoint = await listening.Task.WaitAsync(timeout);
            return new ServerProcess(process, endpoint);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The server's managed allocation and GC counts so far (its <c>/_loadtool/gc</c> endpoint).</summary>
    public async Task<GcSnapshot> GetGcAsync()
    {
        using var response = await _control.GetAsync("_loadtool/gc");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(LoadToolJsonContext.Default.GcSnapshot))!;
    }

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        try
        {
            await _process.StandardInput.WriteLineAsync("stop");
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>How to run this tool again: its apphost, or <c>dotnet tool.dll</c>.</summary>
    public static (string FileName, string[] Prefix) SelfCommand()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("The tool's own path is unknown.");
        return Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (path, [typeof(ServerProcess).Assembly.Location])
            : (path, []);
    }
}

/// <summary>
/// A server's allocation counters (<see cref="GC.GetTotalAllocatedBytes(bool)"/> and collection counts) and the CPU time
/// its process has used (user and kernel, every thread), for bytes and CPU per request.
/// </summary>
internal sealed record GcSnapshot(long AllocatedBytes, int Gen0, int Gen1, int Gen2, double CpuMs)
{
    public static GcSnapshot Now() => new(
        GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), Environment.CpuUsage.TotalTime.TotalMilliseconds);

    public static string ToJson() => JsonSerializer.Serialize(Now(), LoadToolJsonContext.Default.GcSnapshot);
}
