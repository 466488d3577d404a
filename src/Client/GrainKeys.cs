namespace OrleansInference.Client;

/// <summary>Checks the names that become grain keys before any call leaves the process.</summary>
internal static class GrainKeys
{
    /// <summary>The key of a model version's grain, <c>"{model}/{version}"</c>.</summary>
    public static string Version(string model, string version) => model + "/" + version;

    public static void ThrowIfInvalidModel(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ArgumentException("A model name is required, for example 'breast-cancer'.", nameof(model));
        }

        if (model.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Model name '{model}' contains '/'; pass the version separately.", nameof(model));
        }
    }

    public static void ThrowIfInvalidVersion(string? version)
    {
        if (version is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(version) || version.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Version '{version}' is not a version; pass a number such as '2', or null to let the deployment decide.", nameof(version));
        }
    }

    public static void ThrowIfInvalidId(string? id, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException($"An id is required ({parameterName}).", parameterName);
        }
    }
}
