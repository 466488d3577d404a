using OrleansInference.Grains.Processing;
using OrleansInference.Grains.Registry;
using OrleansInference.Grains.Repository;

namespace OrleansInference.Grains.Catalog;

/// <summary>A registered model version with its artifacts and the processors its config describes. Immutable.</summary>
public sealed class CatalogEntry
{
    public CatalogEntry(ModelVersionDescriptor descriptor, ModelVersionRecord record)
    {
        Descriptor = descriptor;
        VersionKey = ModelKeys.VersionKey(descriptor.Name, descriptor.Version);
        Record = record;
        Vectorizer = new FeatureVectorizer(descriptor.Config);
        Postprocessor = new PredictionPostprocessor(descriptor.Config);
    }

    private CatalogEntry(CatalogEntry source, ModelVersionRecord record)
    {
        Descriptor = source.Descriptor;
        VersionKey = source.VersionKey;
        Vectorizer = source.Vectorizer;
        Postprocessor = source.Postprocessor;
        Record = record;
    }

    public string Name => Descriptor.Name;

    public string Version => Descriptor.Version;

    public string Stage => Record.Stage;

    /// <summary>The model-version grain key, <c>"{name}/{version}"</c>, built once.</summary>
    public string VersionKey { get; }

    public ModelConfig Config => Descriptor.Config;

    public ModelVersionDescriptor Descriptor { get; }

    public ModelVersionRecord Record { get; }

    public FeatureVectorizer Vectorizer { get; }

    public PredictionPostprocessor Postprocessor { get; }

    /// <summary>A copy with an updated registry record (for example after a stage change).</summary>
    public CatalogEntry WithRecord(ModelVersionRecord record) => new(this, record);
}
