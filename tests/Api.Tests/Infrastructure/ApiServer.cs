using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansInference.Silo;

namespace OrleansInference.Api.Tests.Infrastructure;

/// <summary>
/// The real API host on Kestrel at 127.0.0.1 on a free port, over a private copy of the demo model repository (and
/// whatever <c>prepare</c> adds to it) and a private SQLite registry. Started models are warm when
/// <see cref="StartAsync"/> returns.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServer(WebApplication app, string directory, Uri address)
    {
        _app = app;
        Directory = directory;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The server's private folder: <c>models/</c>, <c>registry.db</c>, and anything a test puts there.</summary>
    public string Directory { get; }

    /// <summary>The model repository the server scans.</summary>
    public string ModelRoot => Path.Combine(Directory, "models");

    /// <summary>Where the server listens.</summary>
    public Uri Address { get; }

    /// <summary>Where the KServe v2 gRPC service listens (cleartext HTTP/2).</summary>
    public Uri GrpcAddress => _app.Services.GetRequiredService<Api.Grpc.GrpcEndpoint>().Address ?? throw new InvalidOperationException("gRPC is not bound.");

    /// <summary>A client for <see cref="Address"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server.</summary>
    /// <param name="prepare">Called with the model repository folder before start, to add or change models.</param>
    /// <param name="settings">Configuration overrides, <c>Section:Key</c> to value.</param>
    /// <param name="directory">An existing private folder to reuse (a restart); a new one when null.</param>
    public static async Task<ApiServer> StartAsync(
        Action<string>? prepare = null, IReadOnlyDictionary<string, string>? settings = null, string? directory = null)
    {
        var fresh = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "oi-test-" + Guid.NewGuid().ToString("N"));
        var modelRoot = Path.Combine(directory, "models");
        if (fresh)
        {
            RepositoryPaths.CopyDirectory(RepositoryPaths.Models, modelRoot);
            prepare?.Invoke(modelRoot);
        }

        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            "--Grpc:Url=http://127.0.0.1:0",
            "--Orleans:SiloPort=0",
            "--Orleans:GatewayPort=0",
            $"--ModelRepository:RootPath={modelRoot}",
            $"--Registry:SqlitePath={Path.Combine(directory, "registry.db")}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add($"--{key}={value}");
        }

        // Silo ports picked at build (0) may be taken before the silo binds them; the retry builds again on fresh ones.
        var app = await SiloStartRetry.StartAsync(
            () => ApiHost.Build(args.ToArray(), builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddConsole();
                builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
            }),
            CancellationToken.None);
        await app.Services.GetRequiredService<SiloStartup>().Completion.WaitAsync(TimeSpan.FromMinutes(2));
        var grpc = app.Services.GetRequiredService<Api.Grpc.GrpcEndpoint>().Address;
        var address = app.Urls.Select(u => new Uri(u.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/")).First(u => u != grpc);
        return new ApiServer(app, directory, address);
    }

    /// <summary>Stops the server, keeping its folder (for a restart over the same state).</summary>
    public async Task StopAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
