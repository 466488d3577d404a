using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using OrleansInference.Grains.Registry;

namespace OrleansInference.Grains.Reminders;

/// <summary>
/// Orleans' reminder table on SQLite, for the embedded default (no Redis). One row per reminder, keyed by service id,
/// grain id and reminder name, with the grain's uniform hash for the ring-range reads of the silos' reminder services.
/// Every write gives the row a new random ETag: an upsert returns it and a remove succeeds only with the current one.
/// One connection, opened at start and used one statement at a time (reminders are registered, removed and re-read
/// rarely; ticks never touch the table).
/// </summary>
public sealed partial class SqliteReminderTable : IReminderTable, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _dataSource;
    private readonly string _serviceId;
    private readonly int _busyTimeoutMs;
    private readonly ILogger<SqliteReminderTable> _logger;
    private SqliteConnection? _connection;

    public SqliteReminderTable(
        IOptions<SqliteReminderTableOptions> options, IOptions<RegistryOptions> registry, IOptions<ClusterOptions> cluster,
        IHostEnvironment environment, ILogger<SqliteReminderTable> logger)
    {
        _dataSource = SqliteReminderTablePath.Resolve(options.Value.SqlitePath, registry.Value.SqlitePath, environment.ContentRootPath);
        _busyTimeoutMs = options.Value.BusyTimeoutMs;
        _serviceId = cluster.Value.ServiceId;
        _logger = logger;
    }

    /// <summary>The database file in use, or <c>:memory:</c>.</summary>
    public string DataSource => _dataSource;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not null)
            {
                return;
            }

            if (_dataSource != SqliteReminderTablePath.InMemory)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_dataSource)!);
            }

            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _dataSource, Pooling = false }.ToString());
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = SqliteReminderSql.Schema(_busyTimeoutMs);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException ex)
            {
                await connection.DisposeAsync();
                throw new InvalidOperationException(
                    $"The reminder table could not be opened at '{_dataSource}' (Reminders:SqlitePath): {ex.Message}", ex);
            }

            _connection = connection;
            Log.Started(_logger, _dataSource, _serviceId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    [Obsolete("Use StartAsync.")]
    public Task Init() => StartAsync(CancellationToken.None);

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { } connection)
            {
                _connection = null;
                await connection.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <inheritdoc cref="ReadRows(GrainId)" />
    public async Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(SqliteReminderSql.SelectByGrain, c => c.Parameters.AddWithValue("$grain", grainId.ToString()), cancellationToken);
        return new ReminderTableData(rows);
    }

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>
    /// The rows whose grain hash lies in the ring range (<paramref name="begin"/>, <paramref name="end"/>]; when
    /// <paramref name="begin"/> is not below <paramref name="end"/> the range wraps past <see cref="uint.MaxValue"/>
    /// (and covers the whole ring when they are equal).
    /// </summary>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        var sql = begin < end ? SqliteReminderSql.SelectByRange : SqliteReminderSql.SelectByWrappedRange;
        var rows = await QueryAsync(
            sql,
            c =>
            {
                c.Parameters.AddWithValue("$begin", (long)begin);
                c.Parameters.AddWithValue("$end", (long)end);
            },
            cancellationToken);
        return new ReminderTableData(rows);
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <inheritdoc cref="ReadRow(GrainId, string)" />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            SqliteReminderSql.SelectOne,
            c =>
            {
                c.Parameters.AddWithValue("$grain", grainId.ToString());
                c.Parameters.AddWithValue("$name", reminderName);
            },
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <summary>Inserts or replaces the reminder (whatever ETag <paramref name="entry"/> carries) and returns its new ETag.</summary>
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var etag = Guid.NewGuid().ToString("N");
        await ExecuteAsync(
            SqliteReminderSql.Upsert,
            c =>
            {
                c.Parameters.AddWithValue("$grain", entry.GrainId.ToString());
                c.Parameters.AddWithValue("$name", entry.ReminderName);
                c.Parameters.AddWithValue("$hash", (long)entry.GrainId.GetUniformHashCode());
                c.Parameters.AddWithValue("$start", ToUtc(entry.StartAt).Ticks);
                c.Parameters.AddWithValue("$period", entry.Period.Ticks);
                c.Parameters.AddWithValue("$etag", etag);
            },
            cancellationToken);
        return etag;
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <summary>Removes the reminder if its ETag is still <paramref name="eTag"/>; false when it is absent or was written since.</summary>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        var removed = await ExecuteAsync(
            SqliteReminderSql.Delete,
            c =>
            {
                c.Parameters.AddWithValue("$grain", grainId.ToString());
                c.Parameters.AddWithValue("$name", reminderName);
                c.Parameters.AddWithValue("$etag", eTag);
            },
            cancellationToken);
        return removed == 1;
    }

    /// <inheritdoc />
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <summary>Removes every reminder of this service.</summary>
    public Task TestOnlyClearTable(CancellationToken cancellationToken) => ExecuteAsync(SqliteReminderSql.DeleteAll, static _ => { }, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _connection?.Dispose();
        _connection = null;
        _gate.Dispose();
    }

    private static DateTime ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    private async Task<int> ExecuteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Command(sql, bind);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<ReminderEntry>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Command(sql, bind);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<ReminderEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new ReminderEntry
                {
                    GrainId = GrainId.Parse(reader.GetString(0)),
                    ReminderName = reader.GetString(1),
                    StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                    Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                    ETag = reader.GetString(4),
                });
            }

            return rows;
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(string sql, Action<SqliteCommand> bind)
    {
        var connection = _connection ?? throw new InvalidOperationException($"The reminder table at '{_dataSource}' is not started.");
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$service", _serviceId);
        bind(command);
        return command;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Reminder table in SQLite at {DataSource} for service {ServiceId}.")]
        public static partial void Started(ILogger logger, string dataSource, string serviceId);
    }
}
