using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Export;

/// <summary>
/// Writes <c>reference_profile.json</c>: for every feature, bin edges at the training split's deciles (duplicates
/// dropped, so discrete features get fewer bins) and the fraction of training rows in each bin, plus the class
/// shares. The server compares live traffic against it to report drift (population stability index).
/// </summary>
public static class ReferenceProfileWriter
{
    /// <summary>Quantiles used as bin edges.</summary>
    public const int Bins = 10;

    /// <summary>The profile document for <paramref name="model"/>.</summary>
    public static byte[] Write(TrainedModel model)
    {
        var train = model.Split.TrainIndices;
        return JsonOutput.Write(indented: false, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("source", $"training split of {model.Spec.DatasetFile} ({train.Length} rows)");
            writer.WriteNumber("rows", train.Length);
            writer.WriteStartArray("features");
            for (var f = 0; f < model.Spec.FeatureNames.Count; f++)
            {
                var values = train.Select(r => model.Data.Features[r][f]).Order().ToArray();
                var edges = Enumerable.Range(1, Bins - 1)
                    .Select(q => values[(int)Math.Min(values.Length - 1, Math.Floor((double)q * values.Length / Bins))])
                    .Distinct()
                    .ToArray();
                var counts = new int[edges.Length + 1];
                foreach (var value in values)
                {
                    var bin = 0;
                    while (bin < edges.Length && value > edges[bin])
                    {
                        bin++;
                    }

                    counts[bin]++;
                }

                writer.WriteStartObject();
                writer.WriteString("name", model.Spec.FeatureNames[f]);
                writer.WriteArray("edges", edges);
                writer.WriteArray("fractions", counts.Select(c => Math.Round((double)c / values.Length, 6)));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            var classes = model.Data.ClassCount;
            writer.WriteArray("class_fractions", Enumerable.Range(0, classes).Select(c => Math.Round((double)train.Count(r => model.Data.Labels[r] == c) / train.Length, 6)));
            writer.WriteEndObject();
        });
    }
}
