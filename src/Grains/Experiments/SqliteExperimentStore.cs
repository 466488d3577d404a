using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Registry;

namespace OrleansInference.Grains.Experiments;

/// <summary>
/// Experiments in the registry's SQLite database (<c>Registry:SqlitePath</c>), in their own tables: one row per
/// experiment holding its JSON, and an append-only event table. One connection, one call at a time (management
/// operations and state changes only, never per request).
/// </summary>
public sealed class SqliteExperimentStore : IExperimentStore, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA busy_timeout = 5000;
        CREATE TABLE IF NOT EXISTS experiments (
            id TEXT NOT NULL PRIMARY KEY,
            model TEXT NOT NULL,
            state TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS experiment_events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            experiment TEXT NOT NULL,
            at TEXT NOT NULL,
            body TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS experiment_events_by_experiment ON experiment_events (experiment, seq);
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SqliteExperimentStore(IOptions<RegistryOptions> options, IHostEnvironment environment)
    {
        var path = options.Value.SqlitePath;
        var dataSource = path == ":memory:"
            ? ":memory:"
            : Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(environment.ContentRootPath, path));
        if (dataSource != ":memory:")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dataSource)!);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dataSource, Pooling = false }.ToString());
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = Schema;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperimentInfo>> ListAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT body FROM experiments ORDER BY created_at, id", null, static r => JsonSerializer.Deserialize<ExperimentInfo>(r.GetString(0), Json)!, cancellationToken);

    /// <inheritdoc />
    public async Task<ExperimentInfo?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync("SELECT body FROM experiments WHERE id = $id", id, static r => JsonSerializer.Deserialize<ExperimentInfo>(r.GetString(0), Json)!, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task SaveAsync(ExperimentInfo experiment, CancellationToken cancellationToken) => ExecuteAsync(
        """
        INSERT INTO experiments (id, model, state, body, created_at, updated_at) VALUES ($id, $model, $state, $body, $created, $updated)
        ON CONFLICT(id) DO UPDATE SET model = excluded.model, state = excluded.state, body = excluded.body, updated_at = excluded.updated_at
        """,
        command =>
        {
            command.Parameters.AddWithValue("$id", experiment.Id);
            command.Parameters.AddWithValue("$model", experiment.Model);
            command.Parameters.AddWithValue("$state", experiment.State.ToString());
            command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(experiment, Json));
            command.Parameters.AddWithValue("$created", Format(experiment.CreatedAt));
            command.Parameters.AddWithValue("$updated", Format(experiment.UpdatedAt));
        },
        cancellationToken);

    /// <inheritdoc />
    public Task AppendEventAsync(string id, ExperimentEvent experimentEvent, CancellationToken cancellationToken) => ExecuteAsync(
        "INSERT INTO experiment_events (experiment, at, body) VALUES ($id, $at, $body)",
        command =>
        {
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$at", Format(experimentEvent.At));
            command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(experimentEvent, Json));
        },
        cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperimentEvent>> GetEventsAsync(string id, CancellationToken cancellationToken) =>
        QueryAsync("SELECT body FROM experiment_events WHERE experiment = $id ORDER BY seq", id, static r => JsonSerializer.Deserialize<ExperimentEvent>(r.GetString(0), Json)!, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private async Task ExecuteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, string? id, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            if (id is not null)
            {
                command.Parameters.AddWithValue("$id", id);
            }

            var rows = new List<T>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
