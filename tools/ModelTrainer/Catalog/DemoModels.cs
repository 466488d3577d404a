using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Catalog;

/// <summary>The demo models bundled in the repository's <c>models/</c> folder.</summary>
public static class DemoModels
{
    /// <summary>Breast-cancer feature names in column order, as scikit-learn names them.</summary>
    public static IReadOnlyList<string> BreastCancerFeatures { get; } = CreateBreastCancerFeatures();

    /// <summary>Iris feature names in column order.</summary>
    public static IReadOnlyList<string> IrisFeatures { get; } =
        ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];

    /// <summary>Digits feature names: <c>pixel_0</c> … <c>pixel_63</c>, row-major over the 8×8 image.</summary>
    public static IReadOnlyList<string> DigitsFeatures { get; } =
        Enumerable.Range(0, 64).Select(i => $"pixel_{i}").ToArray();

    /// <summary>breast-cancer/1: logistic regression.</summary>
    public static ModelSpec BreastCancerV1 { get; } = new()
    {
        Name = "breast-cancer",
        Version = "1",
        Description = "Logistic regression that classifies a breast mass as malignant or benign from 30 cell-nucleus measurements.",
        DatasetFile = "breast_cancer.csv",
        FeatureNames = BreastCancerFeatures,
        Algorithm = new ModelAlgorithm("logistic-regression-l2", LogisticRegression: new LogisticRegressionOptions()),
    };

    /// <summary>breast-cancer/2: a small MLP.</summary>
    public static ModelSpec BreastCancerV2 { get; } = BreastCancerV1 with
    {
        Version = "2",
        Description = "Neural network (30-16-2 MLP) that classifies a breast mass as malignant or benign from 30 cell-nucleus measurements.",
        Algorithm = new ModelAlgorithm("mlp-30-16-2", Mlp: new MlpOptions
        {
            HiddenLayers = [16],
            Epochs = 100,
            BatchSize = 32,
            LearningRate = 0.001,
            L2 = 0.03,
            Seed = 7,
        }),
    };

    /// <summary>iris/1: a small MLP.</summary>
    public static ModelSpec IrisV1 { get; } = new()
    {
        Name = "iris",
        Version = "1",
        Description = "Neural network (4-8-3 MLP) that identifies the iris species from sepal and petal measurements.",
        DatasetFile = "iris.csv",
        FeatureNames = IrisFeatures,
        Algorithm = new ModelAlgorithm("mlp-4-8-3", Mlp: new MlpOptions
        {
            HiddenLayers = [8],
            Epochs = 300,
            BatchSize = 16,
            LearningRate = 0.01,
            L2 = 1e-4,
            Seed = 11,
        }),
        Batching = new BatchingSettings(MaxBatchSize: 32, PreferredBatchSizes: [8, 16, 32]),
    };

    /// <summary>digits/1: a wider MLP, the compute-heavy model for batching benchmarks.</summary>
    public static ModelSpec DigitsV1 { get; } = new()
    {
        Name = "digits",
        Version = "1",
        Description = "Neural network (64-256-256-10 MLP) that recognizes a handwritten digit from an 8x8 grey-level image with pixel values 0-16.",
        DatasetFile = "digits.csv.gz",
        ClassNames = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
        FeatureNames = DigitsFeatures,
        InputName = "pixels",
        Scaling = ScalingKind.FixedDivisor,
        FixedDivisor = 16.0,
        Algorithm = new ModelAlgorithm("mlp-64-256-256-10", Mlp: new MlpOptions
        {
            HiddenLayers = [256, 256],
            Epochs = 30,
            BatchSize = 32,
            LearningRate = 0.001,
            L2 = 1e-4,
            Seed = 3,
        }),
        Batching = new BatchingSettings(MaxBatchSize: 128, MaxQueueDelayUs: 500, PreferredBatchSizes: [32, 64, 128], MaxQueueSize: 4096),
    };

    /// <summary>All demo models, in publishing order.</summary>
    public static IReadOnlyList<ModelSpec> All { get; } = [BreastCancerV1, BreastCancerV2, IrisV1, DigitsV1];

    private static string[] CreateBreastCancerFeatures()
    {
        string[] measures =
        [
            "radius", "texture", "perimeter", "area", "smoothness",
            "compactness", "concavity", "concave points", "symmetry", "fractal dimension",
        ];
        return
        [
            .. measures.Select(m => $"mean {m}"),
            .. measures.Select(m => $"{m} error"),
            .. measures.Select(m => $"worst {m}"),
        ];
    }
}
