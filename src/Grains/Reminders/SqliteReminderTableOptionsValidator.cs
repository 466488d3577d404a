using Microsoft.Extensions.Options;

namespace OrleansInference.Grains.Reminders;

/// <summary>Checks what data annotations cannot: that <see cref="SqliteReminderTableOptions.SqlitePath"/> names a file.</summary>
internal sealed class SqliteReminderTableOptionsValidator : IValidateOptions<SqliteReminderTableOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteReminderTableOptions options)
    {
        var path = options.SqlitePath;
        if (string.IsNullOrEmpty(path) || path == SqliteReminderTablePath.InMemory)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(path) || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            return ValidateOptionsResult.Fail($"Reminders:SqlitePath ('{path}') is not a file path.");
        }

        if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(path))
        {
            return ValidateOptionsResult.Fail($"Reminders:SqlitePath ('{path}') names a folder; it must name the database file.");
        }

        return ValidateOptionsResult.Success;
    }
}
