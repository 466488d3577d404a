using OrleansInference.Contracts.Grains;

namespace OrleansInference.Grains.Hosting;

/// <summary>
/// One grain interface served by one grain class, with the factory of its hand-written reference. Added to the
/// service collection by <see cref="GrainHostServiceCollectionExtensions.AddGrain{TGrainInterface, TGrainClass}"/>.
/// </summary>
public sealed class GrainRegistration
{
    private GrainRegistration(Type interfaceType, Type grainClass, Func<GrainHost, string, object> createReference)
    {
        InterfaceType = interfaceType;
        GrainClass = grainClass;
        CreateReference = createReference;
    }

    /// <summary>The grain interface callers ask the factory for.</summary>
    public Type InterfaceType { get; }

    /// <summary>The grain class activated for it.</summary>
    public Type GrainClass { get; }

    internal Func<GrainHost, string, object> CreateReference { get; }

    /// <summary>Describes a grain interface, its class and how to wrap a <see cref="GrainReference{TGrain}"/> in the interface.</summary>
    public static GrainRegistration Create<TGrainInterface, TGrainClass>(Func<GrainReference<TGrainClass>, TGrainInterface> referenceFactory)
        where TGrainInterface : class, IGrainWithStringKey
        where TGrainClass : Grain, TGrainInterface
    {
        ArgumentNullException.ThrowIfNull(referenceFactory);
        return new GrainRegistration(
            typeof(TGrainInterface),
            typeof(TGrainClass),
            (host, key) => referenceFactory(host.CreateReference<TGrainClass>(key)));
    }
}
