using OrleansInference.ModelTrainer.Catalog;
using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Tests.Training;

[Collection(TrainedModelsCollection.Name)]
public sealed class TrainingTests(TrainedModelsFixture fixture)
{
    public static TheoryData<string, double> AccuracyFloors => new()
    {
        { "breast-cancer/1", 0.94 },
        { "breast-cancer/2", 0.94 },
        { "iris/1", 0.90 },
        { "digits/1", 0.93 },
    };

    [Theory]
    [MemberData(nameof(AccuracyFloors))]
    public void Model_ReachesTestAccuracyFloor(string key, double floor)
    {
        var model = fixture.Models.Single(m => $"{m.Spec.Name}/{m.Spec.Version}" == key);

        Assert.True(
            model.TestMetrics.Accuracy >= floor,
            $"Model '{key}' test accuracy {model.TestMetrics.Accuracy:0.0000} is below the floor {floor:0.00}.");
    }

    [Fact]
    public void BreastCancerV2_IsNoWorseThanV1ByMoreThanTwoPoints()
    {
        var v1 = fixture.Get(DemoModels.BreastCancerV1).TestMetrics.Accuracy;
        var v2 = fixture.Get(DemoModels.BreastCancerV2).TestMetrics.Accuracy;

        Assert.True(v2 >= v1 - 0.02, $"breast-cancer/2 test accuracy {v2:0.0000} is more than 0.02 below v1's {v1:0.0000}.");
    }

    [Theory]
    [InlineData("breast-cancer", "1")]
    [InlineData("breast-cancer", "2")]
    [InlineData("iris", "1")]
    public void Training_TwiceGivesIdenticalWeights(string name, string version)
    {
        var spec = DemoModels.All.Single(s => s.Name == name && s.Version == version);

        var again = ModelTrainingPipeline.Train(spec, RepositoryPaths.Data);

        Assert.True(
            fixture.Get(spec).Network.HasSameParameters(again.Network),
            $"Model '{name}/{version}': a second training run produced different weights.");
    }

    [Fact]
    public void LogisticRegression_ExportsAsTwoWaySoftmaxOfOneLogit()
    {
        var layer = Assert.Single(fixture.Get(DemoModels.BreastCancerV1).Network.Layers);

        Assert.Equal((30, 2, false), (layer.Inputs, layer.Outputs, layer.Relu));
        Assert.All(Enumerable.Range(0, 30), j => Assert.Equal(0.0, layer.Weights[j * 2]));
        Assert.Equal(0.0, layer.Bias[0]);
    }

    [Fact]
    public void ReferenceForwardPass_InFloat32_StaysWithinToleranceOfDoublePrecision()
    {
        foreach (var model in fixture.Models)
        {
            foreach (var row in model.Split.TestIndices.Take(50))
            {
                var scaled = model.Scaler.Transform(model.Data.Features[row]);
                var exact = model.Network.PredictProbabilities(scaled);
                var single = model.Network.PredictSingle(scaled);
                for (var c = 0; c < exact.Length; c++)
                {
                    Assert.True(
                        Math.Abs(exact[c] - single[c]) < 1e-4,
                        $"Model '{model.Spec.Name}/{model.Spec.Version}' row {row} class {c}: double {exact[c]}, float32 {single[c]}.");
                }
            }
        }
    }
}
