using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansInference.Grains.Hosting;

/// <summary>What the host knows about one grain class: its kind name, constructor and idle age limit.</summary>
internal sealed class GrainClassRegistration
{
    private readonly ObjectFactory _factory;

    public GrainClassRegistration(Type grainClass, GrainCollectionOptions options)
    {
        GrainClass = grainClass;
        GrainType = GetGrainType(grainClass);
        _factory = ActivatorUtilities.CreateFactory(grainClass, Type.EmptyTypes);
        AgeLimit = options.ClassSpecificCollectionAge.TryGetValue(grainClass.FullName ?? grainClass.Name, out var configured)
            ? configured
            : grainClass.GetCustomAttribute<CollectionAgeLimitAttribute>()?.AgeLimit ?? options.DefaultIdleTimeout;
    }

    public Type GrainClass { get; }

    /// <summary>The kind part of grain ids: the class name without a "Grain" suffix, lower case ("modelversion").</summary>
    public string GrainType { get; }

    public TimeSpan AgeLimit { get; }

    /// <summary>Grain interfaces served by this class, for evicting cached references.</summary>
    public List<Type> Interfaces { get; } = [];

    public Grain CreateInstance(IServiceProvider services) => (Grain)_factory(services, null);

    private static string GetGrainType(Type grainClass)
    {
        var name = grainClass.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick > 0)
        {
            name = name[..tick];
        }

        if (name.Length > "Grain".Length && name.EndsWith("Grain", StringComparison.Ordinal))
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}
