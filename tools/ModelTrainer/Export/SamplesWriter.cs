using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Export;

/// <summary>
/// Writes <c>samples.json</c>: held-out test rows (raw, unscaled), their labels, and the class
/// probabilities of the reference forward pass over the exported float32 weights. Serving the same
/// rows through the config's preprocessing and ONNX Runtime should reproduce them to about 1e-5.
/// </summary>
public static class SamplesWriter
{
    /// <summary>Number of test rows written, spread evenly over the test split.</summary>
    public const int SampleCount = 20;

    /// <summary>The test rows chosen for the fixture, as indices into the full data set.</summary>
    public static int[] SelectRows(TrainedModel model)
    {
        var test = model.Split.TestIndices;
        var count = Math.Min(SampleCount, test.Length);
        return Enumerable.Range(0, count).Select(k => test[k * test.Length / count]).ToArray();
    }

    /// <summary>The fixture document for <paramref name="model"/>.</summary>
    public static byte[] Write(TrainedModel model)
    {
        var rows = SelectRows(model);
        return JsonOutput.Write(indented: false, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("model", model.Spec.Name);
            writer.WriteString("version", model.Spec.Version);
            writer.WriteString("input", model.Spec.InputName);
            writer.WriteString("output", model.Spec.OutputName);
            writer.WriteStartArray("rows");
            foreach (var row in rows)
            {
                writer.WriteArray(model.Data.Features[row]);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("labels");
            foreach (var row in rows)
            {
                writer.WriteNumberValue(model.Data.Labels[row]);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("expected_probabilities");
            foreach (var row in rows)
            {
                var probabilities = model.Network.PredictSingle(model.Scaler.Transform(model.Data.Features[row]));
                writer.WriteStartArray();
                foreach (var p in probabilities)
                {
                    writer.WriteNumberValue(p);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }
}
