using System.Security.Cryptography;
using OrleansInference.ModelTrainer.Catalog;
using OrleansInference.ModelTrainer.Data;

namespace OrleansInference.ModelTrainer.Training;

/// <summary>Loads a spec's data, splits it 80/20 (stratified), scales it and trains the model.</summary>
public static class ModelTrainingPipeline
{
    /// <summary>Held-out fraction of each class.</summary>
    public const double TestFraction = 0.2;

    /// <summary>Trains <paramref name="spec"/> on its data set under <paramref name="dataDirectory"/>.</summary>
    public static TrainedModel Train(ModelSpec spec, string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, spec.DatasetFile);
        var data = CsvDataset.Load(path, spec.ClassNames);
        if (data.FeatureCount != spec.FeatureNames.Count)
        {
            throw new InvalidDataException(
                $"Model '{spec.Name}/{spec.Version}': data set '{path}' has {data.FeatureCount} features, the spec names {spec.FeatureNames.Count}.");
        }

        var split = StratifiedSplit.Create(data.Labels, data.ClassCount, TestFraction, spec.SplitSeed);
        var train = data.Subset(split.TrainIndices);
        var test = data.Subset(split.TestIndices);
        var trainingMean = Standardizer.Fit(train.Features).Mean;
        var scaler = spec.Scaling == ScalingKind.FixedDivisor
            ? Standardizer.Scale(data.FeatureCount, spec.FixedDivisor)
            : Standardizer.Fit(train.Features);

        var trainRows = scaler.Transform(train.Features);
        var testRows = scaler.Transform(test.Features);
        var network = spec.Algorithm switch
        {
            { LogisticRegression: { } options } when data.ClassCount == 2 => LogisticRegressionTrainer.Train(trainRows, train.Labels, options),
            { Mlp: { } options } => MlpTrainer.Train(trainRows, train.Labels, data.ClassCount, options),
            _ => throw new InvalidOperationException($"Model '{spec.Name}/{spec.Version}' has no usable algorithm options."),
        };

        return new TrainedModel
        {
            Spec = spec,
            Network = network,
            Scaler = scaler,
            Data = data,
            Split = split,
            TrainingMean = trainingMean,
            TrainMetrics = ClassificationMetrics.Evaluate(network, trainRows, train.Labels),
            TestMetrics = ClassificationMetrics.Evaluate(network, testRows, test.Labels),
            DatasetSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))),
        };
    }
}
