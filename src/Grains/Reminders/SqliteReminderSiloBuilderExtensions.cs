using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;

namespace OrleansInference.Grains.Reminders;

/// <summary>Registers Orleans reminders on the SQLite reminder table.</summary>
public static class SqliteReminderSiloBuilderExtensions
{
    /// <summary>
    /// Adds Orleans' reminder service with <see cref="SqliteReminderTable"/> as its table, with
    /// <see cref="SqliteReminderTableOptions"/> bound from the <c>Reminders</c> section and validated at start-up. A
    /// reminder table registered before this call (Redis in a cluster, a test's) is kept. The default file lies beside
    /// the registry's database (<c>Registry:SqlitePath</c>, bound by <c>AddModelServing</c>).
    /// </summary>
    public static ISiloBuilder AddSqliteReminders(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        silo.AddReminders();
        var services = silo.Services;
        services.AddOptions<SqliteReminderTableOptions>().Bind(configuration.GetSection(SqliteReminderTableOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteReminderTableOptions>, SqliteReminderTableOptionsValidator>());
        services.TryAddSingleton<SqliteReminderTable>();
        services.TryAddSingleton<IReminderTable>(static sp => sp.GetRequiredService<SqliteReminderTable>());
        return silo;
    }
}
