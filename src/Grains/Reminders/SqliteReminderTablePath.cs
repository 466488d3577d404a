namespace OrleansInference.Grains.Reminders;

/// <summary>Resolves where the reminder table lives from its own and the registry's settings.</summary>
internal static class SqliteReminderTablePath
{
    public const string InMemory = ":memory:";

    /// <summary>
    /// The database file of the reminder table: <paramref name="configured"/> when set, otherwise
    /// <see cref="SqliteReminderTableOptions.DefaultFileName"/> beside <paramref name="registryPath"/>; relative
    /// paths resolve against <paramref name="contentRoot"/>. <see cref="InMemory"/> when either says so.
    /// </summary>
    public static string Resolve(string? configured, string registryPath, string contentRoot)
    {
        string path;
        if (!string.IsNullOrEmpty(configured))
        {
            path = configured;
        }
        else if (registryPath == InMemory)
        {
            return InMemory;
        }
        else
        {
            var registry = Path.IsPathRooted(registryPath) ? registryPath : Path.Combine(contentRoot, registryPath);
            path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(registry))!, SqliteReminderTableOptions.DefaultFileName);
        }

        return path == InMemory ? InMemory : Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path));
    }
}
