using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grid.Repository;

/// <summary>Where model artifacts live. Bound from the <c>ModelRepository</c> configuration section.</summary>
public sealed class ModelRepositoryOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "ModelRepository";

    /// <summary>
    /// Root folder holding <c>{name}/{version}/model.onnx</c> and <c>config.json</c>. Relative paths resolve
    /// against the content root. Registration by path only accepts folders inside it. Default <c>models</c>.
    /// </summary>
    [Required]
    public string RootPath { get; set; } = "models";

    /// <summary>Load every version whose stage is production (and any version a deployment pins) at start. Default true.</summary>
    public bool LoadProductionModelsAtStartup { get; set; } = true;

    /// <summary>Largest accepted model upload, in bytes. Range 1 KiB – 2 GiB. Default 256 MiB.</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// The shared repository as an S3 bucket instead of a folder (<c>ModelRepository:S3</c>). Unset or without a
    /// bucket: the folder at <see cref="RootPath"/>.
    /// </summary>
    public ModelRepositoryS3Options S3 { get; set; } = new();
}
