using OrleansInference.ModelTrainer.Catalog;
using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Tests;

/// <summary>Trains every demo model once for all tests in <see cref="TrainedModelsCollection"/>.</summary>
public sealed class TrainedModelsFixture
{
    public TrainedModelsFixture()
    {
        Models = DemoModels.All
            .AsParallel()
            .AsOrdered()
            .Select(spec => ModelTrainingPipeline.Train(spec, RepositoryPaths.Data))
            .ToArray();
    }

    public IReadOnlyList<TrainedModel> Models { get; }

    public TrainedModel Get(ModelSpec spec) => Models.Single(m => m.Spec == spec);
}

[CollectionDefinition(Name)]
public sealed class TrainedModelsCollection : ICollectionFixture<TrainedModelsFixture>
{
    public const string Name = "Trained demo models";
}
