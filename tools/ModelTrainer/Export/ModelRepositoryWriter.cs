using System.Security.Cryptography;
using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Export;

/// <summary>The files written for one model version.</summary>
/// <param name="Directory">The version folder, <c>{root}/{name}/{version}</c>.</param>
/// <param name="ModelSha256">Lower-case hex SHA-256 of <c>model.onnx</c>.</param>
public sealed record PublishedModel(string Directory, string ModelSha256);

/// <summary>Writes trained models into a model repository folder.</summary>
public static class ModelRepositoryWriter
{
    /// <summary>Default <c>trained_at</c> stamp, fixed so re-running the trainer reproduces every file byte for byte.</summary>
    public const string DefaultTrainedAt = "2026-11-24T00:00:00Z";

    /// <summary>Writes <c>model.onnx</c>, <c>config.json</c>, <c>samples.json</c> and <c>reference_profile.json</c> under <c>{root}/{name}/{version}</c>.</summary>
    public static PublishedModel Write(TrainedModel model, string root, string trainedAt = DefaultTrainedAt)
    {
        var directory = Path.Combine(root, model.Spec.Name, model.Spec.Version);
        Directory.CreateDirectory(directory);
        var onnx = OnnxExporter.Export(model);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(onnx));
        File.WriteAllBytes(Path.Combine(directory, "model.onnx"), onnx);
        File.WriteAllBytes(Path.Combine(directory, "config.json"), ModelConfigWriter.Write(model, sha256, trainedAt));
        File.WriteAllBytes(Path.Combine(directory, "samples.json"), SamplesWriter.Write(model));
        File.WriteAllBytes(Path.Combine(directory, "reference_profile.json"), ReferenceProfileWriter.Write(model));
        return new PublishedModel(directory, sha256);
    }
}
