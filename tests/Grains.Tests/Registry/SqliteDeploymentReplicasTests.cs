using Microsoft.Data.Sqlite;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Grains.Registry;

namespace OrleansInference.Grains.Tests.Registry;

/// <summary>The deployment's replica count in SQLite: a database made before the count existed opens and reads as "every silo".</summary>
public sealed class SqliteDeploymentReplicasTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "oi-replicas-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task AnOlderDatabase_GainsTheColumn_AndKeepsItsDeployment()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "registry.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE deployments (model TEXT NOT NULL PRIMARY KEY, version TEXT NOT NULL, traffic_percentage INTEGER NOT NULL,
                    baseline_version TEXT NULL, updated_at TEXT NOT NULL);
                INSERT INTO deployments VALUES ('iris', '2', 100, NULL, '2026-01-02T03:04:05.0000000+00:00');
                """;
            create.ExecuteNonQuery();
        }

        using (var registry = Open(path))
        {
            var before = await registry.GetDeploymentAsync("iris", CancellationToken.None);
            Assert.NotNull(before);
            Assert.Equal("2", before.Version);
            Assert.Null(before.Replicas);
            await registry.SetDeploymentAsync(before with { Replicas = 2 }, CancellationToken.None);
        }

        using (var reopened = Open(path))
        {
            Assert.Equal(2, (await reopened.GetDeploymentAsync("iris", CancellationToken.None))?.Replicas);
            await reopened.SetDeploymentAsync(new ModelDeployment("iris", "3", 100, null, DateTimeOffset.UnixEpoch), CancellationToken.None);
            Assert.Null((await reopened.GetDeploymentAsync("iris", CancellationToken.None))?.Replicas);
        }
    }

    private SqliteModelRegistry Open(string path) =>
        new(Options.Create(new RegistryOptions { SqlitePath = path }), new Environment(_directory), TimeProvider.System);

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Test";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
