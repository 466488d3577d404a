using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grains.Reminders;

/// <summary>
/// The durable reminder table of the embedded default. Bound from the <c>Reminders</c> configuration section and
/// validated at start-up.
/// </summary>
public sealed class SqliteReminderTableOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Reminders";

    /// <summary>The file name used beside the registry's database when <see cref="SqlitePath"/> is not set.</summary>
    public const string DefaultFileName = "reminders.db";

    /// <summary>
    /// SQLite database file of the reminder table. Relative paths resolve against the content root; the folder is
    /// created. <c>:memory:</c> keeps reminders only as long as the process. Default: empty, meaning
    /// <c>reminders.db</c> in the folder of <c>Registry:SqlitePath</c> (in memory when the registry is).
    /// </summary>
    public string? SqlitePath { get; set; }

    /// <summary>
    /// How long a statement waits for another connection's write lock on the file before it fails, in milliseconds,
    /// 0 to 60,000; default 5,000.
    /// </summary>
    [Range(0, 60_000)]
    public int BusyTimeoutMs { get; set; } = 5_000;
}
