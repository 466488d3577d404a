using System.Globalization;

namespace OrleansInference.Grains.Reminders;

/// <summary>
/// The reminder table's schema and statements. Times are UTC ticks; <c>grain_hash</c> is the grain id's uniform hash
/// (0 to 2^32 − 1); every statement is scoped by <c>$service</c>, so services can share one file.
/// </summary>
internal static class SqliteReminderSql
{
    private const string Columns = "grain_id, reminder_name, start_at, period, etag";

    public const string SelectByGrain = $"SELECT {Columns} FROM orleans_reminders WHERE service_id = $service AND grain_id = $grain";

    public const string SelectOne = $"{SelectByGrain} AND reminder_name = $name";

    public const string SelectByRange =
        $"SELECT {Columns} FROM orleans_reminders WHERE service_id = $service AND grain_hash > $begin AND grain_hash <= $end";

    public const string SelectByWrappedRange =
        $"SELECT {Columns} FROM orleans_reminders WHERE service_id = $service AND (grain_hash > $begin OR grain_hash <= $end)";

    public const string Upsert = """
        INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_at, period, etag)
        VALUES ($service, $grain, $name, $hash, $start, $period, $etag)
        ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE SET
            grain_hash = excluded.grain_hash, start_at = excluded.start_at, period = excluded.period, etag = excluded.etag
        """;

    public const string Delete =
        "DELETE FROM orleans_reminders WHERE service_id = $service AND grain_id = $grain AND reminder_name = $name AND etag = $etag";

    public const string DeleteAll = "DELETE FROM orleans_reminders WHERE service_id = $service";

    /// <summary>Connection settings and the table, created if missing.</summary>
    public static string Schema(int busyTimeoutMs) => string.Create(CultureInfo.InvariantCulture, $"""
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA busy_timeout = {busyTimeoutMs};
        CREATE TABLE IF NOT EXISTS orleans_reminders (
            service_id TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            reminder_name TEXT NOT NULL,
            grain_hash INTEGER NOT NULL,
            start_at INTEGER NOT NULL,
            period INTEGER NOT NULL,
            etag TEXT NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name));
        CREATE INDEX IF NOT EXISTS orleans_reminders_by_hash ON orleans_reminders (service_id, grain_hash);
        """);
}
