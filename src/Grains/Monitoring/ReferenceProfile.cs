using System.Text.Json;

namespace OrleansInference.Grains.Monitoring;

/// <summary>
/// A model version's training distribution, from <c>reference_profile.json</c> beside its model (written by the
/// trainer): per feature, bin edges and the share of training rows in each bin; and the class shares.
/// </summary>
public sealed class ReferenceProfile
{
    /// <summary>The file name in a model version's folder.</summary>
    public const string FileName = "reference_profile.json";

    private ReferenceProfile(IReadOnlyList<FeatureBins> features, double[] classFractions)
    {
        Features = features;
        ClassFractions = classFractions;
    }

    /// <summary>The profiled features.</summary>
    public IReadOnlyList<FeatureBins> Features { get; }

    /// <summary>Share of training rows per class.</summary>
    public double[] ClassFractions { get; }

    /// <summary>Reads the profile in <paramref name="directory"/>; null when there is none.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a valid profile.</exception>
    public static ReferenceProfile? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var features = new List<FeatureBins>();
            foreach (var feature in root.GetProperty("features").EnumerateArray())
            {
                var edges = feature.GetProperty("edges").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                var fractions = feature.GetProperty("fractions").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                if (fractions.Length != edges.Length + 1)
                {
                    throw new InvalidDataException($"Feature '{feature.GetProperty("name").GetString()}' has {edges.Length} edges but {fractions.Length} fractions; expected one more fraction than edges.");
                }

                for (var e = 1; e < edges.Length; e++)
                {
                    if (!(edges[e] >= edges[e - 1]))
                    {
                        throw new InvalidDataException($"Feature '{feature.GetProperty("name").GetString()}' has edges out of order ({edges[e - 1]} then {edges[e]}); edges must ascend.");
                    }
                }

                features.Add(new FeatureBins(feature.GetProperty("name").GetString() ?? string.Empty, edges, fractions));
            }

            var classes = root.TryGetProperty("class_fractions", out var c) ? c.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [];
            return new ReferenceProfile(features, classes);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a valid reference profile: {ex.Message}", ex);
        }
    }
}
