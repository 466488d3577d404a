namespace OrleansInference.Grid.Repository;

/// <summary>A model version found in the repository: where its files are, its parsed config and its checksum.</summary>
public sealed record ModelVersionDescriptor(string Name, string Version, string Directory, ModelConfig Config, string Sha256)
{
    /// <summary>The path of <c>model.onnx</c>.</summary>
    public string ModelPath => Path.Combine(Directory, ModelRepository.ModelFileName);

    /// <summary>The grain key, <c>{name}/{version}</c>.</summary>
    public string Key => ModelKeys.VersionKey(Name, Version);
}
