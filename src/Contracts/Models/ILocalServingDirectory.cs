using System.Diagnostics.CodeAnalysis;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// What the silo in this process serves without a grain message: the routers of model grains and the inference
/// entries of model-version grains activated here. Registered only where a silo runs; a pure cluster client has none
/// and calls the grains. Grain activations add and remove their entries (activation and load, unload and
/// deactivation), so an entry found here is one the grain currently owns.
/// </summary>
public interface ILocalServingDirectory
{
    /// <summary>The loaded version <paramref name="versionKey"/> (<c>"{model}/{version}"</c>) on this silo, if any.</summary>
    bool TryGetVersion(string versionKey, [NotNullWhen(true)] out ILocalModelVersion? version);

    /// <summary>The routing of <paramref name="model"/> when its model grain is active on this silo.</summary>
    bool TryGetRouter(string model, [NotNullWhen(true)] out ILocalModelRouter? router);
}
