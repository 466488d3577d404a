using System.Diagnostics;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>
/// The built API (<c>OrleansInference.Api.dll</c>) as a child process on 127.0.0.1 with a port the OS picks, so a test
/// can kill it without warning (SIGKILL) and start it again over the same folders.
/// </summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>Starts the API with <paramref name="settings"/> as <c>--Key=value</c> arguments and waits until it listens and is ready.</summary>
    public static async Task<ApiProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "OrleansInference.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--Grpc:Url=");
        start.ArgumentList.Add("--Orleans:SiloPort=0");
        start.ArgumentList.Add("--Orleans:GatewayPort=0");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {dll}.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            const string marker = "Now listening on: ";
            var at = e.Data?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(e.Data![(at + marker.Length)..].Trim() + "/"));
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The API process exited with {process.ExitCode} before listening."));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new ApiProcess(process, await listening.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var ready = await api.Client.GetAsync("ready");
            if (ready.IsSuccessStatusCode)
            {
                return api;
            }

            Assert.True(DateTime.UtcNow < until, "the API process did not become ready within 60 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Kills the process at once (SIGKILL): no shutdown, no flushing.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    /// <summary>Copies the demo models into <paramref name="root"/> and returns the settings of an API over it.</summary>
    public static Dictionary<string, string> Prepare(string root)
    {
        RepositoryPaths.CopyDirectory(RepositoryPaths.Models, Path.Combine(root, "models"));
        var settings = BatchServerFixture.Settings(root);
        settings["ModelRepository:RootPath"] = Path.Combine(root, "models");
        settings["Registry:SqlitePath"] = Path.Combine(root, "registry.db");
        return settings;
    }
}
