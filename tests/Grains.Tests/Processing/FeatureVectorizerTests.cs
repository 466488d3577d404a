using OrleansInference.Grid.Processing;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Tests.Processing;

public sealed class FeatureVectorizerTests
{
    private static readonly ModelConfig Config = new()
    {
        Name = "m",
        Version = "1",
        Inputs = [new TensorSpec("features", "FP32", [-1, 3])],
        Outputs = [new TensorSpec("probabilities", "FP32", [-1, 2])],
        FeatureNames = ["a", "b", "c"],
        Preprocessing = new PreprocessingConfig
        {
            Standardize = new StandardizeConfig([1f, 2f, 3f], [2f, 4f, 0.5f]),
            Defaults = new Dictionary<string, float> { ["b"] = 10f },
        },
    };

    [Fact]
    public void Transform_standardizes_every_row()
    {
        var vectorizer = new FeatureVectorizer(Config);
        float[] rows = [1, 2, 3, 3, 6, 4];

        vectorizer.Transform(rows);

        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 2 }, rows);
    }

    [Fact]
    public void CompleteNamedRow_fills_defaults_and_names_the_missing_feature()
    {
        var vectorizer = new FeatureVectorizer(Config);
        var row = new float[3];
        row[0] = 5;

        var missing = vectorizer.CompleteNamedRow(row, [true, false, false]);

        Assert.Equal("c", missing);
        row[2] = 7;
        Assert.Null(vectorizer.CompleteNamedRow(row, [true, false, true]));
        Assert.Equal(new float[] { 5, 10, 7 }, row);
        Assert.Equal(1, vectorizer.ColumnOf("b"));
        Assert.Equal(-1, vectorizer.ColumnOf("nope"));
    }

    [Fact]
    public void Postprocessor_picks_label_confidence_threshold_and_top_k()
    {
        var config = Config with { Postprocessing = new PostprocessingConfig { Labels = ["no", "yes"], TopK = 2 } };
        var prediction = new PredictionPostprocessor(config).Apply([0.3f, 0.7f]);
        Assert.Equal(1, prediction.Prediction);
        Assert.Equal("yes", prediction.Label);
        Assert.Equal(0.7f, prediction.Confidence);
        Assert.Equal(["yes", "no"], prediction.TopK!.Select(t => t.Label));

        var strict = new PredictionPostprocessor(Config with { Postprocessing = new PostprocessingConfig { Labels = ["no", "yes"], Threshold = 0.9f } });
        Assert.Equal("no", strict.Apply([0.3f, 0.7f]).Label);
    }
}
