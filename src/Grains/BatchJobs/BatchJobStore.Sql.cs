using Microsoft.Data.Sqlite;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Connections, schema and row mapping.</summary>
public sealed partial class BatchJobStore
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            idempotency_key TEXT UNIQUE,
            model TEXT NOT NULL,
            version TEXT NOT NULL,
            input_path TEXT NOT NULL,
            input_format TEXT NOT NULL,
            output_format TEXT NOT NULL,
            output_path TEXT NOT NULL,
            chunk_rows INTEGER NOT NULL,
            callback_url TEXT,
            state TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            rows_total INTEGER,
            chunks_total INTEGER,
            error TEXT,
            webhook TEXT NOT NULL,
            owner TEXT,
            body_hash TEXT,
            expired_at INTEGER);
        CREATE TABLE IF NOT EXISTS webhook_dead_letters (
            job_id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            last_outcome TEXT NOT NULL,
            failed_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS chunks (
            job_id TEXT NOT NULL,
            chunk_index INTEGER NOT NULL,
            rows INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            PRIMARY KEY (job_id, chunk_index));
        """;

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }

            if (!_initialized)
            {
                await _schemaGate.WaitAsync(cancellationToken);
                try
                {
                    if (!_initialized)
                    {
                        await using var command = connection.CreateCommand();
                        command.CommandText = Schema;
                        await command.ExecuteNonQueryAsync(cancellationToken);
                        await MigrateAsync(connection, cancellationToken);
                        _initialized = true;
                    }
                }
                finally
                {
                    _schemaGate.Release();
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Databases written before jobs had owners gain the columns; the unique output index is created where existing
    // jobs allow it (older databases may hold two jobs with one output; the submitter's check still refuses new ones).
    private static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        foreach (var (column, type) in new[] { ("owner", "TEXT"), ("body_hash", "TEXT"), ("expired_at", "INTEGER") })
        {
            await using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = $name";
            probe.Parameters.AddWithValue("$name", column);
            if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                await using var alter = connection.CreateCommand();
                alter.CommandText = $"ALTER TABLE jobs ADD COLUMN {column} {type}";
                await alter.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        try
        {
            await using var index = connection.CreateCommand();
            index.CommandText = "CREATE UNIQUE INDEX IF NOT EXISTS jobs_output_path ON jobs (output_path)";
            await index.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<BatchJobRecord?> QuerySingleAsync(string where, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM jobs WHERE {where}";
        command.Parameters.AddWithValue("$p", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Map(reader) : null;
    }

    private static BatchJobRecord Map(SqliteDataReader r) => new(
        r.GetString(0),
        r.IsDBNull(1) ? null : r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        Enum.Parse<BatchJobFormat>(r.GetString(5)),
        Enum.Parse<BatchJobFormat>(r.GetString(6)),
        r.GetString(7),
        r.GetInt32(8),
        r.IsDBNull(9) ? null : r.GetString(9),
        Enum.Parse<BatchJobState>(r.GetString(10)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
        r.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)),
        r.IsDBNull(14) ? null : r.GetInt64(14),
        r.IsDBNull(15) ? null : r.GetInt32(15),
        r.IsDBNull(16) ? null : r.GetString(16),
        Enum.Parse<WebhookState>(r.GetString(17)),
        r.IsDBNull(18) ? null : r.GetString(18),
        r.IsDBNull(19) ? null : r.GetString(19),
        r.IsDBNull(20) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(20)));
}
