using System.Diagnostics;
using System.Reflection;
using OrleansInference.Client.Tests.Infrastructure;

namespace OrleansInference.Client.Tests.Cluster;

/// <summary>A child process of a cluster test (redis-server or a standalone silo), killed and awaited on dispose.</summary>
internal sealed class ClusterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output = new();
    private readonly TaskCompletionSource _marker = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyMarker;

    private ClusterProcess(ProcessStartInfo start, string readyMarker)
    {
        _readyMarker = readyMarker;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => _marker.TrySetException(new InvalidOperationException($"{start.FileName} exited with {_process.ExitCode}:\n{_output}"));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the process wrote last.</summary>
    public string Output => _output.ToString();

    /// <summary>Starts redis-server on 127.0.0.1:<paramref name="port"/> with nothing persisted; returns once it accepts connections.</summary>
    public static async Task<ClusterProcess> StartRedisAsync(int port)
    {
        const string server = "/usr/bin/redis-server";
        Assert.True(File.Exists(server), $"{server} is missing: install Debian's redis-server (.ci/run does).");
        var start = new ProcessStartInfo(server);
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var redis = new ClusterProcess(start, "Ready to accept connections");
        await redis.WaitReadyAsync(TimeSpan.FromSeconds(20));
        return redis;
    }

    /// <summary>Starts a standalone silo (src/SiloHost) in <paramref name="root"/>; returns once its start-up loading finished.</summary>
    public static async Task<ClusterProcess> StartSiloAsync(string root, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root };
        start.ArgumentList.Add(SiloHostDll());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var silo = new ClusterProcess(start, "is ready on");
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>SIGKILL: no graceful shutdown, as when a host dies.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        try
        {
            await _marker.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The process did not write '{_readyMarker}' within {timeout.TotalSeconds} s:\n{_output}");
        }
    }

    private void OnLine(string? line)
    {
        _output.Add(line);
        if (line?.Contains(_readyMarker, StringComparison.Ordinal) == true)
        {
            _marker.TrySetResult();
        }
    }

    private static string SiloHostDll()
    {
        var configuration = typeof(ClusterProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(RepositoryPaths.Root, "src", "SiloHost", "bin", configuration, "net10.0", "OrleansInference.SiloHost.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"The silo host is not built at {dll}; build tests/Client.Tests (it builds the host) in {configuration}.", dll);
    }
}
