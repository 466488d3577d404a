using System.Text.Json;
using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Export;

/// <summary>
/// Writes a model version's <c>config.json</c> in the model-repository schema the server reads
/// (snake_case keys; raw feature values are scaled by <c>preprocessing.standardize</c> before inference).
/// </summary>
public static class ModelConfigWriter
{
    /// <summary>Generator name recorded in <c>metadata.framework</c>.</summary>
    public const string Framework = "OrleansInference.ModelTrainer";

    /// <summary>Number of training rows copied into <c>warmup_samples</c>.</summary>
    public const int WarmupSampleCount = 2;

    /// <summary>The config document for <paramref name="model"/> whose ONNX file hashes to <paramref name="modelSha256"/>.</summary>
    public static byte[] Write(TrainedModel model, string modelSha256, string trainedAt) =>
        JsonOutput.Write(indented: true, writer => WriteConfig(writer, model, modelSha256, trainedAt));

    private static void WriteConfig(Utf8JsonWriter writer, TrainedModel model, string modelSha256, string trainedAt)
    {
        var spec = model.Spec;
        writer.WriteStartObject();
        writer.WriteString("name", spec.Name);
        writer.WriteString("version", spec.Version);
        writer.WriteString("description", spec.Description);
        WriteTensors(writer, "inputs", spec.InputName, model.Network.InputCount);
        WriteTensors(writer, "outputs", spec.OutputName, model.Network.OutputCount);

        writer.WriteStartArray("feature_names");
        foreach (var name in spec.FeatureNames)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();

        writer.WriteStartObject("preprocessing");
        writer.WriteStartObject("standardize");
        writer.WriteArray("mean", model.Scaler.Mean);
        writer.WriteArray("std", model.Scaler.Std);
        writer.WriteEndObject();
        writer.WriteStartObject("defaults");
        for (var j = 0; j < spec.FeatureNames.Count; j++)
        {
            writer.WriteNumber(spec.FeatureNames[j], model.TrainingMean[j]);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartObject("postprocessing");
        writer.WriteString("kind", "classification");
        writer.WriteString("output", spec.OutputName);
        writer.WriteStartArray("labels");
        foreach (var label in model.Data.ClassNames)
        {
            writer.WriteStringValue(label);
        }

        writer.WriteEndArray();
        writer.WriteNull("threshold");
        writer.WriteNumber("top_k", 1);
        writer.WriteEndObject();

        var batching = spec.Batching;
        writer.WriteStartObject("batching");
        writer.WriteNumber("max_batch_size", batching.MaxBatchSize);
        writer.WriteNumber("max_queue_delay_us", batching.MaxQueueDelayUs);
        writer.WriteStartArray("preferred_batch_sizes");
        foreach (var size in batching.PreferredSizes)
        {
            writer.WriteNumberValue(size);
        }

        writer.WriteEndArray();
        writer.WriteNumber("max_queue_size", batching.MaxQueueSize);
        writer.WriteNumber("default_timeout_ms", batching.DefaultTimeoutMs);
        writer.WriteBoolean("dispatch_when_idle", batching.DispatchWhenIdle);
        writer.WriteEndObject();

        writer.WriteNumber("instances", 1);
        writer.WriteStartArray("warmup_samples");
        foreach (var row in model.Split.TrainIndices.Take(WarmupSampleCount))
        {
            writer.WriteArray(model.Data.Features[row]);
        }

        writer.WriteEndArray();

        writer.WriteStartObject("metadata");
        writer.WriteString("framework", Framework);
        writer.WriteString("algorithm", spec.Algorithm.Name);
        writer.WriteStartObject("metrics");
        writer.WriteNumber("test_accuracy", Math.Round(model.TestMetrics.Accuracy, 4));
        writer.WriteNumber("test_auc", Math.Round(model.TestMetrics.Auc, 4));
        writer.WriteNumber("train_accuracy", Math.Round(model.TrainMetrics.Accuracy, 4));
        writer.WriteNumber("train_rows", model.Split.TrainIndices.Length);
        writer.WriteNumber("test_rows", model.Split.TestIndices.Length);
        writer.WriteEndObject();
        writer.WriteString("trained_at", trainedAt);
        writer.WriteString("dataset", spec.DatasetFile);
        writer.WriteString("dataset_sha256", model.DatasetSha256);
        writer.WriteString("dataset_version", spec.DatasetVersion);
        writer.WriteEndObject();

        writer.WriteString("stage", spec.Stage);
        writer.WriteString("sha256", modelSha256);
        writer.WriteEndObject();
    }

    private static void WriteTensors(Utf8JsonWriter writer, string property, string name, int width)
    {
        writer.WriteStartArray(property);
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("datatype", "FP32");
        writer.WriteStartArray("shape");
        writer.WriteNumberValue(-1);
        writer.WriteNumberValue(width);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }
}
