using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.Registry;

/// <summary>
/// The registry on SQLite. One connection, used one call at a time: registry calls are management operations,
/// never on the predict path (model grains cache what they read).
/// </summary>
public sealed class SqliteModelRegistry : IModelRegistry, IAsyncDisposable, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS model_versions (
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            stage TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            description TEXT NULL,
            metadata TEXT NULL,
            registered_at TEXT NOT NULL,
            stage_changed_at TEXT NOT NULL,
            PRIMARY KEY (name, version));
        CREATE TABLE IF NOT EXISTS deployments (
            model TEXT NOT NULL PRIMARY KEY,
            version TEXT NOT NULL,
            traffic_percentage INTEGER NOT NULL,
            baseline_version TEXT NULL,
            updated_at TEXT NOT NULL);
        """;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;

    public SqliteModelRegistry(IOptions<RegistryOptions> options, IHostEnvironment environment, TimeProvider time)
    {
        _time = time;
        var path = options.Value.SqlitePath;
        string dataSource;
        if (path == ":memory:")
        {
            dataSource = ":memory:";
        }
        else
        {
            dataSource = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(environment.ContentRootPath, path));
            Directory.CreateDirectory(Path.GetDirectoryName(dataSource)!);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dataSource, Pooling = false }.ToString());
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = Schema;
        command.ExecuteNonQuery();
        AddReplicasColumn();
    }

    /// <inheritdoc />
    public async Task<ModelVersionRecord> RegisterAsync(ModelVersionRecord record, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using (var insert = _connection.CreateCommand())
            {
                insert.CommandText = """
                    INSERT OR IGNORE INTO model_versions (name, version, stage, sha256, description, metadata, registered_at, stage_changed_at)
                    VALUES ($name, $version, $stage, $sha, $description, $metadata, $registered, $changed)
                    """;
                insert.Parameters.AddWithValue("$name", record.Name);
                insert.Parameters.AddWithValue("$version", record.Version);
                insert.Parameters.AddWithValue("$stage", record.Stage);
                insert.Parameters.AddWithValue("$sha", record.Sha256);
                insert.Parameters.AddWithValue("$description", (object?)record.Description ?? DBNull.Value);
                insert.Parameters.AddWithValue("$metadata", (object?)record.MetadataJson ?? DBNull.Value);
                insert.Parameters.AddWithValue("$registered", Format(record.RegisteredAt));
                insert.Parameters.AddWithValue("$changed", Format(record.StageChangedAt));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            return (await QueryVersionsAsync("WHERE name = $name AND version = $version", record.Name, record.Version, cancellationToken))[0];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelVersionRecord>> ListAsync(string? model, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await QueryVersionsAsync(model is null ? string.Empty : "WHERE name = $name", model, null, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<ModelVersionRecord?> GetAsync(string model, string version, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var rows = await QueryVersionsAsync("WHERE name = $name AND version = $version", model, version, cancellationToken);
            return rows.Count == 0 ? null : rows[0];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<ModelVersionRecord?> SetStageAsync(string model, string version, string stage, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using (var update = _connection.CreateCommand())
            {
                update.CommandText = "UPDATE model_versions SET stage = $stage, stage_changed_at = $changed WHERE name = $name AND version = $version";
                update.Parameters.AddWithValue("$stage", stage);
                update.Parameters.AddWithValue("$changed", Format(_time.GetUtcNow()));
                update.Parameters.AddWithValue("$name", model);
                update.Parameters.AddWithValue("$version", version);
                if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    return null;
                }
            }

            return (await QueryVersionsAsync("WHERE name = $name AND version = $version", model, version, cancellationToken))[0];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Adds the deployments' replica count to a database made before it existed (its rows: every silo).</summary>
    private void AddReplicasColumn()
    {
        using var columns = _connection.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('deployments') WHERE name = 'replicas'";
        if (Convert.ToInt64(columns.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            using var alter = _connection.CreateCommand();
            alter.CommandText = "ALTER TABLE deployments ADD COLUMN replicas INTEGER NULL";
            alter.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public async Task<ModelDeployment?> GetDeploymentAsync(string model, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var query = _connection.CreateCommand();
            query.CommandText = "SELECT version, traffic_percentage, baseline_version, updated_at, replicas FROM deployments WHERE model = $model";
            query.Parameters.AddWithValue("$model", model);
            using var reader = await query.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new ModelDeployment(
                model,
                reader.GetString(0),
                reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                Parse(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetInt32(4));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task SetDeploymentAsync(ModelDeployment deployment, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var upsert = _connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO deployments (model, version, traffic_percentage, baseline_version, updated_at, replicas)
                VALUES ($model, $version, $traffic, $baseline, $updated, $replicas)
                ON CONFLICT(model) DO UPDATE SET version = excluded.version, traffic_percentage = excluded.traffic_percentage,
                    baseline_version = excluded.baseline_version, updated_at = excluded.updated_at, replicas = excluded.replicas
                """;
            upsert.Parameters.AddWithValue("$model", deployment.Model);
            upsert.Parameters.AddWithValue("$version", deployment.Version);
            upsert.Parameters.AddWithValue("$traffic", deployment.TrafficPercentage);
            upsert.Parameters.AddWithValue("$baseline", (object?)deployment.BaselineVersion ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$updated", Format(deployment.UpdatedAt));
            upsert.Parameters.AddWithValue("$replicas", (object?)deployment.Replicas ?? DBNull.Value);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }

    private async Task<List<ModelVersionRecord>> QueryVersionsAsync(string where, string? name, string? version, CancellationToken cancellationToken)
    {
        using var query = _connection.CreateCommand();
        query.CommandText = "SELECT name, version, stage, sha256, description, metadata, registered_at, stage_changed_at FROM model_versions "
            + where + " ORDER BY name, length(version), version";
        if (name is not null)
        {
            query.Parameters.AddWithValue("$name", name);
        }

        if (version is not null)
        {
            query.Parameters.AddWithValue("$version", version);
        }

        var rows = new List<ModelVersionRecord>();
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ModelVersionRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Parse(reader.GetString(6)),
                Parse(reader.GetString(7))));
        }

        return rows;
    }

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
