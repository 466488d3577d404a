using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Processing;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grid.Catalog;

/// <summary>A registered model version with its artifacts and the processors its config describes. Immutable.</summary>
public sealed class CatalogEntry
{
    private CatalogEntry(CatalogVersion published, ModelVersionDescriptor descriptor)
    {
        Published = published;
        Descriptor = descriptor;
        VersionKey = ModelKeys.VersionKey(descriptor.Name, descriptor.Version);
        Record = ToRecord(published);
        Vectorizer = new FeatureVectorizer(descriptor.Config);
        Postprocessor = new PredictionPostprocessor(descriptor.Config);
    }

    private CatalogEntry(CatalogEntry source, CatalogVersion published)
    {
        Published = published;
        Descriptor = source.Descriptor;
        VersionKey = source.VersionKey;
        Vectorizer = source.Vectorizer;
        Postprocessor = source.Postprocessor;
        Record = ToRecord(published);
    }

    public string Name => Descriptor.Name;

    public string Version => Descriptor.Version;

    public string Stage => Record.Stage;

    /// <summary>The model-version grain key, <c>"{name}/{version}"</c>, built once.</summary>
    public string VersionKey { get; }

    public ModelConfig Config => Descriptor.Config;

    /// <summary>The version's files in this node's view of the shared repository, its config and checksum.</summary>
    public ModelVersionDescriptor Descriptor { get; }

    /// <summary>The version as the catalog published it.</summary>
    public CatalogVersion Published { get; }

    public ModelVersionRecord Record { get; }

    public FeatureVectorizer Vectorizer { get; }

    public PredictionPostprocessor Postprocessor { get; }

    /// <summary>Builds an entry from a published version: parses its config and places its files in <paramref name="repository"/>.</summary>
    public static CatalogEntry From(CatalogVersion published, ModelRepository repository)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(repository);
        var config = ModelRepository.ParseConfig(published.ConfigJson, $"{published.Name}/{published.Version}/{ModelRepository.ConfigFileName}");
        var directory = repository.VersionDirectory(published.Name, published.Version);
        return new CatalogEntry(published, new ModelVersionDescriptor(published.Name, published.Version, directory, config, published.Sha256));
    }

    /// <summary>A copy with newer registry facts (for example after a stage change); the config and processors stay.</summary>
    public CatalogEntry WithPublished(CatalogVersion published) => new(this, published);

    private static ModelVersionRecord ToRecord(CatalogVersion published) => new(
        published.Name,
        published.Version,
        published.Stage,
        published.Sha256,
        published.Description,
        published.MetadataJson,
        published.RegisteredAt,
        published.StageChangedAt);
}
