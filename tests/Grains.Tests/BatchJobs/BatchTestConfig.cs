using OrleansInference.Grid.Processing;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grains.Tests.BatchJobs;

/// <summary>A three-feature model config; feature <c>b</c> has a default, <c>a</c> and <c>c</c> do not.</summary>
internal static class BatchTestConfig
{
    public static FeatureVectorizer Vectorizer { get; } = new(new ModelConfig
    {
        Name = "m",
        Version = "1",
        Inputs = [new TensorSpec("features", "FP32", [-1, 3])],
        Outputs = [new TensorSpec("probabilities", "FP32", [-1, 2])],
        FeatureNames = ["a", "b", "c"],
        Preprocessing = new PreprocessingConfig { Defaults = new Dictionary<string, float> { ["b"] = 10f } },
    });
}
