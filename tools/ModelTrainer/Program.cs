using System.Globalization;
using System.Text;
using OrleansInference.ModelTrainer.Catalog;
using OrleansInference.ModelTrainer.Export;
using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer;

/// <summary>
/// Command line: <c>--data DIR</c> (default <c>data</c>), <c>--out DIR</c> (default <c>models</c>),
/// <c>--trained-at ISO8601</c> (default <see cref="ModelRepositoryWriter.DefaultTrainedAt"/>).
/// </summary>
public static class Program
{
    /// <summary>Trains every demo model and writes the repository; returns 0 on success, 2 on bad arguments.</summary>
    public static int Main(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["--data"] = "data",
            ["--out"] = "models",
            ["--trained-at"] = ModelRepositoryWriter.DefaultTrainedAt,
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!options.ContainsKey(args[i]) || i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Usage: --data DIR --out DIR [--trained-at 2026-11-24T00:00:00Z]");
                return 2;
            }

            options[args[i]] = args[i + 1];
        }

        if (!DateTimeOffset.TryParse(options["--trained-at"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            Console.Error.WriteLine($"Argument --trained-at '{options["--trained-at"]}' is not an ISO 8601 timestamp.");
            return 2;
        }

        var trained = new List<TrainedModel>();
        foreach (var spec in DemoModels.All)
        {
            var model = ModelTrainingPipeline.Train(spec, options["--data"]);
            var published = ModelRepositoryWriter.Write(model, options["--out"], options["--trained-at"]);
            trained.Add(model);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{spec.Name}/{spec.Version} ({spec.Algorithm.Name}): test accuracy {model.TestMetrics.Accuracy:0.0000}, AUC {model.TestMetrics.Auc:0.0000}, train accuracy {model.TrainMetrics.Accuracy:0.0000} -> {published.Directory} sha256 {published.ModelSha256}"));
        }

        File.WriteAllText(Path.Combine(options["--out"], "README.md"), RepositoryReadmeWriter.Write(trained), new UTF8Encoding(false));
        return 0;
    }
}
