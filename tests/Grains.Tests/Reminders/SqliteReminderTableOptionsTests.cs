using Microsoft.Extensions.Options;
using OrleansInference.Grains.Reminders;

namespace OrleansInference.Grains.Tests.Reminders;

/// <summary>Where the reminder table lives by default, and which settings stop start-up.</summary>
public sealed class SqliteReminderTableOptionsTests
{
    private const string ContentRoot = "/srv/grid";

    [Fact]
    public void Resolve_NoPath_IsRemindersDbBesideTheRegistry()
    {
        Assert.Equal("/srv/grid/var/reminders.db", SqliteReminderTablePath.Resolve(null, "var/registry.db", ContentRoot));
        Assert.Equal("/data/reminders.db", SqliteReminderTablePath.Resolve("", "/data/registry.db", ContentRoot));
    }

    [Fact]
    public void Resolve_RegistryInMemory_IsInMemory()
    {
        Assert.Equal(":memory:", SqliteReminderTablePath.Resolve(null, ":memory:", ContentRoot));
    }

    [Fact]
    public void Resolve_ConfiguredPath_ResolvesAgainstTheContentRoot()
    {
        Assert.Equal("/srv/grid/state/r.db", SqliteReminderTablePath.Resolve("state/r.db", "var/registry.db", ContentRoot));
        Assert.Equal("/tmp/r.db", SqliteReminderTablePath.Resolve("/tmp/r.db", ":memory:", ContentRoot));
        Assert.Equal(":memory:", SqliteReminderTablePath.Resolve(":memory:", "var/registry.db", ContentRoot));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(":memory:")]
    [InlineData("var/reminders.db")]
    public void Validate_FilePaths_Pass(string? path)
    {
        var result = new SqliteReminderTableOptionsValidator().Validate(Options.DefaultName, new SqliteReminderTableOptions { SqlitePath = path });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("  ")]
    [InlineData("var/")]
    public void Validate_NotAFile_FailsNamingTheKey(string path)
    {
        var result = new SqliteReminderTableOptionsValidator().Validate(Options.DefaultName, new SqliteReminderTableOptions { SqlitePath = path });

        Assert.True(result.Failed);
        Assert.Contains("Reminders:SqlitePath", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExistingFolder_Fails()
    {
        var result = new SqliteReminderTableOptionsValidator().Validate(Options.DefaultName, new SqliteReminderTableOptions { SqlitePath = Path.GetTempPath() });

        Assert.True(result.Failed);
    }
}
