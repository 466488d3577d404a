namespace OrleansInference.ClientExample;

/// <summary>
/// One patient from <c>data/breast_cancer.csv</c> (its first data row, diagnosed malignant): the 30 raw measurements in
/// the order of the model's <c>feature_names</c>, not standardized — the grid standardizes them with the model's
/// training statistics.
/// </summary>
internal static class BreastCancerSample
{
    public const string Model = "breast-cancer";

    public const string ExpectedLabel = "malignant";

    public static float[] Row() =>
    [
        17.99f, 10.38f, 122.8f, 1001f, 0.1184f, 0.2776f, 0.3001f, 0.1471f, 0.2419f, 0.07871f,
        1.095f, 0.9053f, 8.589f, 153.4f, 0.006399f, 0.04904f, 0.05373f, 0.01587f, 0.03003f, 0.006193f,
        25.38f, 17.33f, 184.6f, 2019f, 0.1622f, 0.6656f, 0.7119f, 0.2654f, 0.4601f, 0.1189f,
    ];
}
