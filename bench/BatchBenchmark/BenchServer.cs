using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansInference.Api;
using OrleansInference.Silo;

namespace OrleansInference.BatchBenchmark;

/// <summary>
/// The API host with its co-hosted silo, in this process, on 127.0.0.1 at a free port, over a temporary copy of the
/// model repository, a private registry and batch roots under the benchmark's folder. gRPC is off.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchServer(WebApplication app, Uri address)
    {
        _app = app;
        Client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
    }

    public HttpClient Client { get; }

    public static async Task<BenchServer> StartAsync(string folder, string modelsSource, string dataRoot, int chunkRows, int workers)
    {
        var models = Path.Combine(folder, "models");
        CopyDirectory(modelsSource, models);
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--Grpc:Url=",
            "--Orleans:SiloPort=0",
            "--Orleans:GatewayPort=0",
            $"--ModelRepository:RootPath={models}",
            $"--Registry:SqlitePath={Path.Combine(folder, "registry.db")}",
            $"--BatchJobs:DataRoot={dataRoot}",
            $"--BatchJobs:OutputRoot={Path.Combine(folder, "batch-output")}",
            $"--BatchJobs:StateRoot={Path.Combine(folder, "batch-state")}",
            $"--BatchJobs:ChunkRows={chunkRows}",
            $"--BatchJobs:MaxParallelChunks={workers}",
        ];
        var app = ApiHost.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole();
            builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        });
        await app.StartAsync();
        await app.Services.GetRequiredService<SiloStartup>().Completion.WaitAsync(TimeSpan.FromMinutes(2));
        var address = new Uri(app.Urls.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/");
        return new BenchServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(dir, Path.Combine(destination, Path.GetFileName(dir)));
        }
    }
}
